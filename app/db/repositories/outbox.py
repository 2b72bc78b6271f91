"""All SQL touching the outbox table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.outbox import OutboxEvent, OutboxStatus
from app.db.repositories.batch_delete import delete_batch
from app.db.repositories.dialect_insert import insert_for


async def add_events(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows; a row whose id exists already is skipped (same event)."""
    if not rows:
        return
    stmt = insert_for(session, OutboxEvent).values(list(rows)).on_conflict_do_nothing()
    await session.execute(stmt)


def _due(now: dt.datetime) -> Any:
    return (
        (OutboxEvent.status == OutboxStatus.PENDING.value)
        & (OutboxEvent.next_attempt_at <= now)
        & or_(OutboxEvent.leased_until.is_(None), OutboxEvent.leased_until < now)
    )


async def claim_due(
    session: AsyncSession, *, owner: str, now: dt.datetime, limit: int, lease_s: float
) -> list[OutboxEvent]:
    """Lease up to `limit` due rows for `owner` (safe with several relays).

    One statement (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
    RETURNING …`): on SQLite the write lock is held for one round trip, not
    for a select, an update and a re-read. A read first, so an idle poll
    never takes the write lock."""
    any_due = await session.scalar(select(OutboxEvent.id).where(_due(now)).limit(1))
    if any_due is None:
        return []
    candidates = (
        select(OutboxEvent.id)
        .where(_due(now))
        .order_by(OutboxEvent.next_attempt_at, OutboxEvent.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await session.scalars(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(candidates), _due(now))
        .values(lease_owner=owner, leased_until=now + dt.timedelta(seconds=lease_s))
        .returning(OutboxEvent),
        execution_options={"synchronize_session": False, "populate_existing": True},
    )
    rows = list(claimed.all())
    rows.sort(key=lambda row: (row.next_attempt_at, row.created_at))
    return rows


async def mark_sent(
    session: AsyncSession, ids: Sequence[str], now: dt.datetime
) -> None:
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(ids))
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=now,
            attempts=OutboxEvent.attempts + 1,
            last_error=None,
            lease_owner=None,
            leased_until=None,
        )
        .execution_options(synchronize_session=False)
    )


async def save_failure(
    session: AsyncSession,
    row_id: str,
    *,
    error_code: str,
    rejected: bool,
    next_attempt_at: dt.datetime,
    dead: bool,
) -> None:
    values: dict[str, Any] = {
        "attempts": OutboxEvent.attempts + 1,
        "last_error": error_code[:64],
        "next_attempt_at": next_attempt_at,
        "lease_owner": None,
        "leased_until": None,
    }
    if rejected:
        values["rejections"] = OutboxEvent.rejections + 1
    if dead:
        values["status"] = OutboxStatus.DEAD.value
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def release(session: AsyncSession, owner: str, ids: Sequence[str] = ()) -> int:
    """Give leased rows back (all of the owner's, or only `ids`)."""
    stmt = update(OutboxEvent).where(OutboxEvent.lease_owner == owner)
    if ids:
        stmt = stmt.where(OutboxEvent.id.in_(ids))
    result = await session.execute(
        stmt.values(lease_owner=None, leased_until=None).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def requeue_dead(session: AsyncSession, now: dt.datetime) -> int:
    result = await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.status == OutboxStatus.DEAD.value)
        .values(
            status=OutboxStatus.PENDING.value,
            rejections=0,
            next_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)
    )
    return {status: int(count) for status, count in rows.all()}


async def pending_stats(session: AsyncSession) -> tuple[int, dt.datetime | None]:
    """How many rows are pending, and the oldest one's creation time."""
    row = (
        await session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(
                OutboxEvent.status == OutboxStatus.PENDING.value
            )
        )
    ).one()
    oldest: object = row[1]
    if isinstance(oldest, str):  # SQLite's min() may bypass the column type
        oldest = dt.datetime.fromisoformat(oldest)
    if not isinstance(oldest, dt.datetime):
        return int(row[0]), None
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return int(row[0]), oldest


async def oldest_pending_at(session: AsyncSession) -> dt.datetime | None:
    return await session.scalar(
        select(func.min(OutboxEvent.created_at)).where(
            OutboxEvent.status == OutboxStatus.PENDING.value
        )
    )


async def delete_sent_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    """Sent rows older than `before` (at most `limit`).

    The due index (status, next_attempt_at) finds them: a row is claimed only
    once due, so a sent row's `next_attempt_at` is never after its `sent_at`."""
    return await delete_batch(
        session,
        OutboxEvent,
        (OutboxEvent.status == OutboxStatus.SENT.value)
        & (OutboxEvent.next_attempt_at < before)
        & (OutboxEvent.sent_at < before),
        limit,
    )


async def delete_dead_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    """Dead rows whose last attempt was before `before` (at most `limit`)."""
    return await delete_batch(
        session,
        OutboxEvent,
        (OutboxEvent.status == OutboxStatus.DEAD.value)
        & (OutboxEvent.next_attempt_at < before),
        limit,
    )
