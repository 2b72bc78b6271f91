"""Strava API v3: activities, re-fetched with the athlete's token (Strava
events are unsigned, so the fetch is what proves them). Strava data is shown
to its owner only and never used for model training (Strava API agreement)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from app.domain.wearables import Provider
from app.integrations.wearables.base import (
    ActivityRecord,
    ConnectionRef,
    FetchResult,
    FetchTarget,
    ProviderResponseError,
    UnsupportedDataTypeError,
)
from app.integrations.wearables.http import ProviderHttp, segment
from app.integrations.wearables.mapping import Record, validate_each

ACTIVITY = "activity"
PER_PAGE = 50
MAX_PAGES = 10


class StravaActivity(Record):
    id: int
    sport_type: str = Field(max_length=64)
    start_date: dt.datetime
    elapsed_time: int = Field(ge=0)
    distance: float | None = Field(None, ge=0)


class StravaClient:
    provider = Provider.STRAVA
    range_data_types: tuple[str, ...] = (ACTIVITY,)

    def __init__(self, http: ProviderHttp, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        if target.data_type != ACTIVITY or not target.object_id:
            raise UnsupportedDataTypeError()
        url = f"{self._base}/activities/{segment(target.object_id)}"
        return _to_result([await self._http.get_json(url, conn.access_token)])

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        if data_type != ACTIVITY:
            raise UnsupportedDataTypeError()
        first = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        items: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            params = {
                "after": str(int(first.timestamp())),
                "before": str(int(last.timestamp())),
                "per_page": str(PER_PAGE),
                "page": str(page),
            }
            payload = await self._http.get_json(
                f"{self._base}/athlete/activities", conn.access_token, params
            )
            if not isinstance(payload, list):
                raise ProviderResponseError()
            items.extend(payload)
            if len(payload) < PER_PAGE:
                break
        return _to_result(items)


def _to_result(items: list[Any]) -> FetchResult:
    activities, rejected = validate_each(StravaActivity, items)
    records = tuple(
        ActivityRecord(
            external_id=str(a.id),
            sport_type=a.sport_type,
            start=a.start_date,
            elapsed_s=a.elapsed_time,
            distance_m=a.distance,
        )
        for a in activities
    )
    return FetchResult(activities=records, rejected=rejected)
