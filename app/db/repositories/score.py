"""SQL about progress scores and personal records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.models.score import PersonalRecord, Score
from app.db.repositories.dialect_insert import insert_for
from app.db.repositories.keyset import newest_first


async def save_score(
    session: AsyncSession,
    *,
    member_id: uuid.UUID,
    gym_id: uuid.UUID,
    period_on: dt.date,
    values: dict[str, Any],
) -> uuid.UUID:
    """Insert the period's score, or update it in place; returns its id."""
    now = utcnow()
    stmt = insert_for(session, Score).values(
        id=uuid.uuid4(),
        member_id=member_id,
        gym_id=gym_id,
        period_on=period_on,
        created_at=now,
        updated_at=now,
        **values,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["member_id", "period_on"],
        set_={**values, "updated_at": now},
    )
    await session.execute(stmt)
    score_id = await session.scalar(
        select(Score.id).where(
            Score.member_id == member_id, Score.period_on == period_on
        )
    )
    assert score_id is not None  # noqa: S101 - just written
    return score_id


async def list_scores(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[Score]:
    stmt = select(Score).where(Score.member_id == member_id)
    page = newest_first(stmt, Score.created_at, Score.id, after=after, limit=limit)
    return list((await session.scalars(page)).all())


async def add_records(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert PRs; one already stored for the same key is kept. Returns the count
    of rows given (a repeat run gives the same answer)."""
    if rows:
        stmt = insert_for(session, PersonalRecord).values(list(rows))
        await session.execute(stmt.on_conflict_do_nothing())
    return len(rows)


async def list_notified_record_sessions(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> list[tuple[str, dt.datetime]]:
    """(exercise, session time) of each notified PR in [since, until), one row
    per pair (a session's several PRs on one exercise are one row)."""
    rows = await session.execute(
        select(PersonalRecord.exercise, PersonalRecord.achieved_at)
        .where(
            PersonalRecord.member_id == member_id,
            PersonalRecord.notify.is_(True),
            PersonalRecord.achieved_at >= since,
            PersonalRecord.achieved_at < until,
        )
        .distinct()
    )
    return [(exercise, at) for exercise, at in rows]


async def list_records(
    session: AsyncSession, member_id: uuid.UUID
) -> list[PersonalRecord]:
    rows = await session.scalars(
        select(PersonalRecord)
        .where(PersonalRecord.member_id == member_id)
        .order_by(PersonalRecord.achieved_at, PersonalRecord.id)
    )
    return list(rows.all())
