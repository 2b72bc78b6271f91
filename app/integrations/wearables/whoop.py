"""WHOOP API v2: sleeps (`/v2/activity/sleep`) and recoveries.

Durations are in milliseconds (`*_milli`); total sleep = time in bed minus
awake time. A recovery (HRV rMSSD in ms, resting HR) belongs to the night of
its sleep, so it is placed with that sleep's end and `timezone_offset`. Only
`SCORED` records are used; pending ones come back with a later `*.updated`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.errors import DomainInputError
from app.domain.wearables import Metric, Provider, RawReading, Unit, is_scored
from app.domain.wearables import parse_utc_offset as parse_offset
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

SLEEP, RECOVERY = "sleep", "recovery"
MAX_PAGES = 40


class StageSummary(Record):
    total_in_bed_time_milli: int
    total_awake_time_milli: int


class SleepScore(Record):
    stage_summary: StageSummary
    sleep_efficiency_percentage: float | None = None


class WhoopSleep(Record):
    id: str
    cycle_id: int
    start: dt.datetime
    end: dt.datetime
    timezone_offset: str
    nap: bool
    score_state: str
    score: SleepScore | None = None
    updated_at: dt.datetime | None = None


class RecoveryScore(Record):
    resting_heart_rate: float | None = None
    hrv_rmssd_milli: float | None = None


class WhoopRecovery(Record):
    sleep_id: str
    score_state: str
    score: RecoveryScore | None = None
    updated_at: dt.datetime | None = None


class WhoopClient:
    provider = Provider.WHOOP
    range_data_types: tuple[str, ...] = (SLEEP, RECOVERY)

    def __init__(self, http: ProviderHttp, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        if target.data_type not in self.range_data_types or not target.object_id:
            raise UnsupportedDataTypeError()
        url = f"{self._base}/v2/activity/sleep/{segment(target.object_id)}"
        sleeps, rejected = validate_each(
            WhoopSleep, [await self._http.get_json(url, conn.access_token)]
        )
        if target.data_type == SLEEP or not sleeps:
            return _sleep_result(conn, sleeps, rejected)
        url = f"{self._base}/v2/cycle/{sleeps[0].cycle_id}/recovery"
        payload = await self._http.get_json(url, conn.access_token)
        return _recovery_result(conn, sleeps, [payload], rejected)

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        if data_type not in self.range_data_types:
            raise UnsupportedDataTypeError()
        sleeps, rejected = validate_each(
            WhoopSleep, await self._pages(conn, "/v2/activity/sleep", start, end)
        )
        if data_type == SLEEP:
            return _sleep_result(conn, sleeps, rejected)
        items = await self._pages(conn, "/v2/recovery", start, end)
        return _recovery_result(conn, sleeps, items, rejected)

    async def _pages(
        self, conn: ConnectionRef, path: str, start: dt.date, end: dt.date
    ) -> list[Any]:
        params = {
            "start": f"{start.isoformat()}T00:00:00Z",
            "end": f"{(end + dt.timedelta(days=1)).isoformat()}T00:00:00Z",
            "limit": "25",
        }
        items: list[Any] = []
        for _ in range(MAX_PAGES):
            payload = await self._http.get_json(
                self._base + path, conn.access_token, params
            )
            items.extend(list_field(payload, "records"))
            token = payload.get("next_token")
            if not isinstance(token, str) or not token:
                break
            params = {**params, "nextToken": token}
        return items


def _localised(sleep: WhoopSleep) -> tuple[dt.datetime, dt.datetime] | None:
    """Start and end in the record's own offset (None if it is unusable)."""
    try:
        zone = dt.timezone(parse_offset(sleep.timezone_offset))
        return sleep.start.astimezone(zone), sleep.end.astimezone(zone)
    except (DomainInputError, ValueError):
        return None


def _sleep_result(
    conn: ConnectionRef, sleeps: list[WhoopSleep], rejected: int
) -> FetchResult:
    readings: list[RawReading] = []
    for sleep in sleeps:
        if not is_scored(sleep.score_state) or sleep.score is None:
            continue
        span = _localised(sleep)
        if span is None:
            rejected += 1
            continue
        stages = sleep.score.stage_summary
        in_bed, awake = stages.total_in_bed_time_milli, stages.total_awake_time_milli
        start, end = span
        readings += night_readings(
            conn,
            Provider.WHOOP,
            record_id=sleep.id,
            start=start,
            end=end,
            is_main_sleep=not sleep.nap,
            updated_at=sleep.updated_at,
            values={
                Metric.SLEEP_DURATION: (max(in_bed - awake, 0), Unit.MILLISECOND),
                Metric.TIME_IN_BED: (in_bed, Unit.MILLISECOND),
                Metric.SLEEP_EFFICIENCY: (
                    sleep.score.sleep_efficiency_percentage,
                    Unit.PERCENT,
                ),
            },
        )
    return FetchResult(tuple(readings), rejected=rejected)


def _recovery_result(
    conn: ConnectionRef, sleeps: list[WhoopSleep], items: list[Any], rejected: int
) -> FetchResult:
    recoveries, failed = validate_each(WhoopRecovery, items)
    by_id = {sleep.id: sleep for sleep in sleeps}
    readings: list[RawReading] = []
    for recovery in recoveries:
        sleep = by_id.get(recovery.sleep_id)
        if sleep is None or not is_scored(recovery.score_state) or not recovery.score:
            continue
        span = _localised(sleep)
        if span is None:
            continue  # already counted with the sleep
        start, end = span
        readings += night_readings(
            conn,
            Provider.WHOOP,
            record_id=f"recovery:{sleep.id}",
            start=start,
            end=end,
            is_main_sleep=not sleep.nap,
            updated_at=recovery.updated_at,
            values={
                Metric.HRV_RMSSD: (recovery.score.hrv_rmssd_milli, Unit.MILLISECOND),
                Metric.RESTING_HR: (recovery.score.resting_heart_rate, Unit.BPM),
            },
        )
    return FetchResult(tuple(readings), rejected=rejected + failed)
