"""Google Health API (successor of the Fitbit Web API): sleep, HRV, resting HR.

[verify] The Google Health API's REST shapes were not in our sources; this
adapter expects Fitbit-style payloads (the API's predecessor) under the
configured base URL, with ISO-8601 sleep times that carry their offset:
`/v1/users/me/sleep` (`sleep[]`: logId, dateOfSleep, startTime, endTime,
minutesAsleep, timeInBed (min), efficiency, isMainSleep), `/v1/users/me/hrv`
(`hrv[]`: dateTime, value.dailyRmssd ms) and `/v1/users/me/resting-heart-rate`
(`restingHeartRate[]`: dateTime, value bpm). Re-check before going live.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from app.domain.wearables import Metric, Provider, RawReading, Unit
from app.integrations.wearables.base import (
    ConnectionRef,
    FetchResult,
    FetchTarget,
    UnsupportedDataTypeError,
)
from app.integrations.wearables.http import ProviderHttp
from app.integrations.wearables.mapping import (
    Record,
    daily_reading,
    list_field,
    night_readings,
    validate_each,
)

SLEEP, HRV, RESTING_HR = "sleep", "hrv", "resting_heart_rate"
PATHS = {SLEEP: "sleep", HRV: "hrv", RESTING_HR: "resting-heart-rate"}
KEYS = {SLEEP: "sleep", HRV: "hrv", RESTING_HR: "restingHeartRate"}


class GoogleSleep(Record):
    log_id: int | str = Field(alias="logId")
    start: dt.datetime = Field(alias="startTime")
    end: dt.datetime = Field(alias="endTime")
    minutes_asleep: float = Field(alias="minutesAsleep")
    time_in_bed: float = Field(alias="timeInBed")
    efficiency: float | None = None
    is_main_sleep: bool = Field(alias="isMainSleep")


class HrvValue(Record):
    daily_rmssd: float = Field(alias="dailyRmssd")


class GoogleHrv(Record):
    day: dt.date = Field(alias="dateTime")
    value: HrvValue


class GoogleRestingHr(Record):
    day: dt.date = Field(alias="dateTime")
    value: float


class GoogleHealthClient:
    provider = Provider.GOOGLE_HEALTH
    range_data_types: tuple[str, ...] = (SLEEP, HRV, RESTING_HR)

    def __init__(self, http: ProviderHttp, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        if target.day is None:
            raise UnsupportedDataTypeError()
        return await self.fetch_range(conn, target.data_type, target.day, target.day)

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        if data_type not in PATHS:
            raise UnsupportedDataTypeError()
        url = f"{self._base}/v1/users/me/{PATHS[data_type]}"
        params = {"startDate": start.isoformat(), "endDate": end.isoformat()}
        payload = await self._http.get_json(url, conn.access_token, params)
        items = list_field(payload, KEYS[data_type])
        if data_type == SLEEP:
            return _sleeps(conn, items)
        return _dailies(conn, data_type, items)


def _sleeps(conn: ConnectionRef, items: list[Any]) -> FetchResult:
    sleeps, rejected = validate_each(GoogleSleep, items)
    readings: list[RawReading] = []
    for sleep in sleeps:
        readings += night_readings(
            conn,
            Provider.GOOGLE_HEALTH,
            record_id=str(sleep.log_id),
            start=sleep.start,
            end=sleep.end,
            is_main_sleep=sleep.is_main_sleep,
            values={
                Metric.SLEEP_DURATION: (sleep.minutes_asleep, Unit.MINUTE),
                Metric.TIME_IN_BED: (sleep.time_in_bed, Unit.MINUTE),
                Metric.SLEEP_EFFICIENCY: (sleep.efficiency, Unit.PERCENT),
            },
        )
    return FetchResult(tuple(readings), rejected=rejected)


def _dailies(conn: ConnectionRef, data_type: str, items: list[Any]) -> FetchResult:
    if data_type == HRV:
        hrvs, rejected = validate_each(GoogleHrv, items)
        values = [(h.day, h.value.daily_rmssd) for h in hrvs]
        metric, unit = Metric.HRV_RMSSD, Unit.MILLISECOND
    else:
        rhrs, rejected = validate_each(GoogleRestingHr, items)
        values = [(r.day, r.value) for r in rhrs]
        metric, unit = Metric.RESTING_HR, Unit.BPM
    readings = [
        daily_reading(
            conn,
            Provider.GOOGLE_HEALTH,
            day=day,
            metric=metric,
            value=value,
            unit=unit,
            record_id=f"{data_type}:{day.isoformat()}",
        )
        for day, value in values
    ]
    return FetchResult(tuple(readings), rejected=rejected)
