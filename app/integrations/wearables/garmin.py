"""Garmin Health API: ping/pull of `dailies` (resting HR), `sleeps` and `hrv`.

A ping's `callbackURL` is only used when it is https on an allow-listed host,
and then only its path and query are requested, from the configured
`WEARABLE_GARMIN_API_BASE_URL`: a ping can never make us call another host or
send our credentials elsewhere (no redirects, short timeouts, capped size).
History is requested with the backfill endpoints, which answer 202 and
deliver by ping later. [verify] Garmin signs pulls with OAuth 1.0a; the bearer
header here stands in for that signer. Field meanings per public integrations.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Collection
from typing import Any

from pydantic import Field

from app.domain.wearables import Metric, Provider, RawReading, Unit
from app.domain.webhook_signatures import is_allowed_callback_url
from app.integrations.wearables.base import (
    ConnectionRef,
    FetchResult,
    FetchTarget,
    ProviderResponseError,
    UnsupportedDataTypeError,
)
from app.integrations.wearables.http import ProviderHttp
from app.integrations.wearables.mapping import (
    Record,
    daily_reading,
    night_readings,
    validate_each,
)

DAILIES, SLEEPS, HRV = "dailies", "sleeps", "hrv"
BACKFILL_PATH = "/wellness-api/rest/backfill/"


class GarminSummary(Record):
    summary_id: str = Field(alias="summaryId")
    calendar_date: dt.date = Field(alias="calendarDate")
    start_s: int = Field(alias="startTimeInSeconds")
    offset_s: int = Field(alias="startTimeOffsetInSeconds", ge=-50_400, le=50_400)


class GarminDaily(GarminSummary):
    resting_hr: float | None = Field(None, alias="restingHeartRateInBeatsPerMinute")


class GarminHrv(GarminSummary):
    last_night_avg: float | None = Field(None, alias="lastNightAvg")


class GarminSleep(GarminSummary):
    duration_s: int = Field(alias="durationInSeconds", ge=0, le=86_400)
    awake_s: int = Field(0, alias="awakeDurationInSeconds")
    deep_s: int | None = Field(None, alias="deepSleepDurationInSeconds")
    light_s: int | None = Field(None, alias="lightSleepDurationInSeconds")
    rem_s: int | None = Field(None, alias="remSleepInSeconds")

    @property
    def asleep_s(self) -> int:
        stages = (self.deep_s, self.light_s, self.rem_s)
        if all(s is not None for s in stages):
            return sum(s for s in stages if s is not None)
        return max(self.duration_s - self.awake_s, 0)


class GarminClient:
    provider = Provider.GARMIN
    range_data_types: tuple[str, ...] = (DAILIES, SLEEPS, HRV)

    def __init__(
        self, http: ProviderHttp, base_url: str, allowed_hosts: Collection[str]
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._hosts = frozenset(allowed_hosts)

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        if target.data_type not in self.range_data_types or not target.fetch_url:
            raise UnsupportedDataTypeError()
        if not is_allowed_callback_url(target.fetch_url, self._hosts):
            raise ProviderResponseError()
        parts = urllib.parse.urlsplit(target.fetch_url)
        url = self._base + parts.path
        params = dict(urllib.parse.parse_qsl(parts.query))
        payload = await self._http.get_json(url, conn.access_token, params)
        if not isinstance(payload, list):
            raise ProviderResponseError()
        return _to_result(conn, target.data_type, payload)

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        if data_type not in self.range_data_types:
            raise UnsupportedDataTypeError()
        first = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        params = {
            "summaryStartTimeInSeconds": str(int(first.timestamp())),
            "summaryEndTimeInSeconds": str(int(last.timestamp())),
        }
        url = f"{self._base}{BACKFILL_PATH}{data_type}"
        await self._http.request_backfill(url, conn.access_token, params)
        return FetchResult()


def _to_result(conn: ConnectionRef, data_type: str, items: list[Any]) -> FetchResult:
    readings: list[RawReading] = []
    if data_type == SLEEPS:
        sleeps, rejected = validate_each(GarminSleep, items)
        for sleep in sleeps:
            readings += _sleep_readings(conn, sleep)
        return FetchResult(tuple(readings), rejected=rejected)
    values: list[tuple[GarminSummary, float | None]]
    if data_type == DAILIES:
        dailies, rejected = validate_each(GarminDaily, items)
        values = [(d, d.resting_hr) for d in dailies]
        metric, unit = Metric.RESTING_HR, Unit.BPM
    else:
        hrvs, rejected = validate_each(GarminHrv, items)
        values = [(h, h.last_night_avg) for h in hrvs]
        metric, unit = Metric.HRV_RMSSD, Unit.MILLISECOND
    for summary, value in values:
        if value is None:
            continue
        readings.append(
            daily_reading(
                conn,
                Provider.GARMIN,
                day=summary.calendar_date,
                metric=metric,
                value=value,
                unit=unit,
                record_id=summary.summary_id,
            )
        )
    return FetchResult(tuple(readings), rejected=rejected)


def _sleep_readings(conn: ConnectionRef, sleep: GarminSleep) -> list[RawReading]:
    zone = dt.timezone(dt.timedelta(seconds=sleep.offset_s))
    start = dt.datetime.fromtimestamp(sleep.start_s, tz=zone)
    end = start + dt.timedelta(seconds=sleep.duration_s)
    return night_readings(
        conn,
        Provider.GARMIN,
        record_id=sleep.summary_id,
        start=start,
        end=end,
        is_main_sleep=True,
        values={
            Metric.SLEEP_DURATION: (sleep.asleep_s, Unit.SECOND),
            Metric.TIME_IN_BED: (sleep.duration_s, Unit.SECOND),
        },
    )
