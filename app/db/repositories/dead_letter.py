"""All SQL touching the dead-letter table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.dead_letter import DeadLetter
from app.db.repositories.batch_delete import delete_batch
from app.db.repositories.dialect_insert import insert_for


async def add(session: AsyncSession, values: Mapping[str, Any]) -> bool:
    """Insert one row; False when this run already has one (same failure)."""
    stmt = (
        insert_for(session, DeadLetter)
        .values(dict(values))
        .on_conflict_do_nothing(index_elements=["function_id", "run_id"])
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def set_sentry_event_id(
    session: AsyncSession, function_id: str, run_id: str, sentry_event_id: str
) -> None:
    row = await session.scalar(
        select(DeadLetter).where(
            DeadLetter.function_id == function_id, DeadLetter.run_id == run_id
        )
    )
    if row is not None:
        row.sentry_event_id = sentry_event_id


async def delete_mentioning(session: AsyncSession, member_id: str) -> int:
    """Rows about a member (as resource or in the event id) go; a row naming
    the member among other members keeps the others (issue 16 #6)."""
    result = await session.execute(
        delete(DeadLetter)
        .where(
            or_(
                DeadLetter.resource_id == member_id,
                DeadLetter.event_id.contains(member_id, autoescape=True),
                DeadLetter.event_data.contains(member_id, autoescape=True),
            )
        )
        .execution_options(synchronize_session=False)
    )
    changed = int(getattr(result, "rowcount", 0) or 0)
    shared = await session.scalars(
        select(DeadLetter).where(
            DeadLetter.member_ids.contains(member_id, autoescape=True)
        )
    )
    for row in shared:
        kept = [m for m in (row.member_ids or "").split(",") if m and m != member_id]
        if kept:
            row.member_ids = ",".join(kept)
        else:
            await session.delete(row)
        changed += 1
    await session.flush()
    return changed


async def delete_created_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    """Rows recorded before `before` (at most `limit`)."""
    return await delete_batch(
        session, DeadLetter, DeadLetter.created_at < before, limit
    )
