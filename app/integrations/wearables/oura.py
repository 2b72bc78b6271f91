"""Oura API v2: sleep periods (`/v2/usercollection/sleep`).

A sleep period gives total sleep and time in bed (s), efficiency (%), the
night's average HRV (rMSSD, ms) and lowest heart rate (bpm, used as the
resting HR). `type == "long_sleep"` is the main sleep; other periods are naps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.wearables import Metric, Provider, RawReading, Unit
from app.integrations.wearables.base import (
    ConnectionRef,
    FetchResult,
    FetchTarget,
    UnsupportedDataTypeError,
)
from app.integrations.wearables.http import ProviderHttp, segment
from app.integrations.wearables.mapping import (
    Record,
    list_field,
    night_readings,
    validate_each,
)

SLEEP = "sleep"
MAX_PAGES = 20


class OuraSleep(Record):
    id: str
    type: str
    bedtime_start: dt.datetime
    bedtime_end: dt.datetime
    total_sleep_duration: int | None = None
    time_in_bed: int
    efficiency: float | None = None
    average_hrv: float | None = None
    lowest_heart_rate: float | None = None


class OuraClient:
    provider = Provider.OURA
    range_data_types: tuple[str, ...] = (SLEEP,)

    def __init__(self, http: ProviderHttp, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        if target.data_type != SLEEP or not target.object_id:
            raise UnsupportedDataTypeError()
        url = f"{self._base}/v2/usercollection/sleep/{segment(target.object_id)}"
        payload = await self._http.get_json(url, conn.access_token)
        return _to_result(conn, [payload])

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        if data_type != SLEEP:
            raise UnsupportedDataTypeError()
        url = f"{self._base}/v2/usercollection/sleep"
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        items: list[Any] = []
        for _ in range(MAX_PAGES):
            payload = await self._http.get_json(url, conn.access_token, params)
            items.extend(list_field(payload, "data"))
            token = payload.get("next_token")
            if not isinstance(token, str) or not token:
                break
            params = {**params, "next_token": token}
        return _to_result(conn, items)


def _to_result(conn: ConnectionRef, items: list[Any]) -> FetchResult:
    sleeps, rejected = validate_each(OuraSleep, items)
    readings = [r for sleep in sleeps for r in _readings(conn, sleep)]
    return FetchResult(tuple(readings), rejected=rejected)


def _readings(conn: ConnectionRef, sleep: OuraSleep) -> list[RawReading]:
    return night_readings(
        conn,
        Provider.OURA,
        record_id=sleep.id,
        start=sleep.bedtime_start,
        end=sleep.bedtime_end,
        is_main_sleep=sleep.type == "long_sleep",
        values={
            Metric.SLEEP_DURATION: (sleep.total_sleep_duration, Unit.SECOND),
            Metric.TIME_IN_BED: (sleep.time_in_bed, Unit.SECOND),
            Metric.SLEEP_EFFICIENCY: (sleep.efficiency, Unit.PERCENT),
            Metric.HRV_RMSSD: (sleep.average_hrv, Unit.MILLISECOND),
            Metric.RESTING_HR: (sleep.lowest_heart_rate, Unit.BPM),
        },
    )
