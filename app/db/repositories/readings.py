"""SQL about wearable readings and readiness scores."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.wearable import ReadinessScore, WearableReading
from app.db.repositories.dialect_insert import insert_for

READING_KEY = ["member_id", "provider", "metric", "local_day", "slot"]
CHUNK = 300
_KEEP_ON_UPDATE = frozenset({"id", *READING_KEY})


async def upsert_readings(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert readings; an existing (member, provider, metric, day, slot) row is
    overwritten with the newer fetch (re-deliveries and updates never add)."""
    for start in range(0, len(rows), CHUNK):
        chunk = list(rows[start : start + CHUNK])
        stmt = insert_for(session, WearableReading).values(chunk)
        columns = [c for c in chunk[0] if c not in _KEEP_ON_UPDATE]
        stmt = stmt.on_conflict_do_update(
            index_elements=READING_KEY,
            set_={c: getattr(stmt.excluded, c) for c in columns},
        )
        await session.execute(stmt)


async def delete_record(
    session: AsyncSession,
    member_id: uuid.UUID,
    provider: str,
    record_ids: Collection[str],
) -> list[dt.date]:
    """Delete the readings of provider records; returns the days they were on."""
    where = (
        WearableReading.member_id == member_id,
        WearableReading.provider == provider,
        WearableReading.record_id.in_(list(record_ids)),
    )
    days = await session.scalars(select(WearableReading.local_day).where(*where))
    found = sorted(set(days.all()))
    await session.execute(delete(WearableReading).where(*where))
    return found


async def list_readings(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    metrics: Collection[str],
    first_day: dt.date,
    last_day: dt.date,
    quality: str | None = None,
) -> list[WearableReading]:
    stmt = select(WearableReading).where(
        WearableReading.member_id == member_id,
        WearableReading.metric.in_(list(metrics)),
        WearableReading.local_day >= first_day,
        WearableReading.local_day <= last_day,
    )
    if quality is not None:
        stmt = stmt.where(WearableReading.quality == quality)
    rows = await session.scalars(
        stmt.order_by(WearableReading.local_day, WearableReading.provider)
    )
    return list(rows.all())


async def upsert_readiness(session: AsyncSession, values: dict[str, Any]) -> None:
    stmt = insert_for(session, ReadinessScore).values(values)
    columns = [c for c in values if c not in ("id", "member_id", "day")]
    stmt = stmt.on_conflict_do_update(
        index_elements=["member_id", "day"],
        set_={c: getattr(stmt.excluded, c) for c in columns},
    )
    await session.execute(stmt)


async def list_readiness(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    first_day: dt.date,
    last_day: dt.date,
) -> list[ReadinessScore]:
    rows = await session.scalars(
        select(ReadinessScore)
        .where(
            ReadinessScore.member_id == member_id,
            ReadinessScore.day >= first_day,
            ReadinessScore.day <= last_day,
        )
        .order_by(ReadinessScore.day.desc())
    )
    return list(rows.all())
