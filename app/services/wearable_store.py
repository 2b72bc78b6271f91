"""Normalise fetched provider records and store them idempotently.

Readings go through the domain (units, member-local day, plausibility,
de-duplication) and are upserted on their reading key; records the domain
refuses are counted, never stored. Strava activities become owner-only posts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.repositories import readings as readings_repo
from app.domain import wearables
from app.domain.errors import DomainInputError
from app.domain.wearables import NormalizedReading, RawReading
from app.integrations.wearables.base import FetchResult
from app.jobs.dispatch import Dispatcher
from app.services import social_feed


@dataclasses.dataclass(frozen=True)
class StoreOutcome:
    """What one fetch stored: counts and the local days touched (no values)."""

    stored: int = 0
    rejected: int = 0
    activities: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("first_day", "last_day"):
            data[key] = None if data[key] is None else data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoreOutcome:
        def day(key: str) -> dt.date | None:
            value = data.get(key)
            return None if value is None else dt.date.fromisoformat(str(value))

        return cls(
            stored=int(data.get("stored", 0)),
            rejected=int(data.get("rejected", 0)),
            activities=int(data.get("activities", 0)),
            first_day=day("first_day"),
            last_day=day("last_day"),
        )


def normalise(
    raws: Iterable[RawReading], tz: str
) -> tuple[tuple[NormalizedReading, ...], int]:
    """Valid readings (one per reading key, latest version) and the rejects."""
    valid: list[NormalizedReading] = []
    rejected = 0
    for raw in raws:
        try:
            valid.append(wearables.normalize_reading(raw, tz))
        except DomainInputError:
            rejected += 1
    return wearables.deduplicate_readings(valid), rejected


async def store_result(
    session: AsyncSession,
    dispatcher: Dispatcher,
    *,
    member_id: uuid.UUID,
    gym_id: uuid.UUID,
    tz: str,
    result: FetchResult,
    now: dt.datetime,
) -> StoreOutcome:
    readings, rejected = normalise(result.readings, tz)
    rows = [_row(member_id, reading, now) for reading in readings]
    await readings_repo.upsert_readings(session, rows)
    posted = await social_feed.add_activity_posts(
        session, dispatcher, member_id, gym_id, result.activities
    )
    days = [reading.local_day for reading in readings]
    return StoreOutcome(
        stored=len(rows),
        rejected=rejected + result.rejected,
        activities=posted,
        first_day=min(days, default=None),
        last_day=max(days, default=None),
    )


async def delete_record(
    session: AsyncSession,
    member_id: uuid.UUID,
    provider: str,
    record_id: str,
) -> StoreOutcome:
    """A provider deleted a record: drop its readings (or its Strava post)."""
    if provider == wearables.Provider.STRAVA.value:
        await social_feed.delete_activity_post(session, member_id, record_id)
        return StoreOutcome()
    days = await readings_repo.delete_record(
        session, member_id, provider, (record_id, f"recovery:{record_id}")
    )
    return StoreOutcome(
        first_day=min(days, default=None), last_day=max(days, default=None)
    )


def _row(
    member_id: uuid.UUID, reading: NormalizedReading, now: dt.datetime
) -> dict[str, Any]:
    key = wearables.compute_reading_key(reading)
    offset = reading.utc_offset or dt.timedelta(0)
    return {
        "id": uuid.uuid4(),
        "member_id": member_id,
        "provider": reading.source.provider.value,
        "metric": reading.metric.value,
        "local_day": reading.local_day,
        "slot": "" if key.start is None else key.start.isoformat(),
        "value": reading.value,
        "unit": reading.unit.value,
        "quality": reading.quality.value,
        "device_kind": reading.source.device.value,
        "device_id": reading.source.device_id,
        "is_main_sleep": reading.is_main_sleep,
        "record_id": reading.record_id[:128],
        "start_at": reading.start,
        "end_at": reading.end,
        "utc_offset_s": int(offset.total_seconds()),
        "source_updated_at": reading.updated_at,
        "synced_at": now,
    }
