"""SQL for operators: dead letters and dead outbox events, their audited
replays and discards, the leader heartbeat and the relay's last send."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.dead_letter import DeadLetter
from app.db.models.operations import OperatorAction, OperatorHeartbeat
from app.db.models.outbox import OutboxEvent, OutboxStatus
from app.db.repositories.dialect_insert import insert_for


def _utc(value: object) -> dt.datetime | None:
    """Aggregates may bypass the column type: SQLite can hand back text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- dead letters (failed runs) ---------------------------------------------------


async def dead_letter_groups(session: AsyncSession) -> list[dict[str, Any]]:
    """Open dead letters by function, error code and mode."""
    rows = await session.execute(
        select(
            DeadLetter.function_id,
            DeadLetter.error_code,
            DeadLetter.mode,
            func.count(),
            func.min(DeadLetter.created_at),
            func.max(DeadLetter.created_at),
        )
        .where(DeadLetter.resolution.is_(None))
        .group_by(DeadLetter.function_id, DeadLetter.error_code, DeadLetter.mode)
        .order_by(DeadLetter.function_id, DeadLetter.error_code)
    )
    return [
        {
            "function_id": fn,
            "error_code": code,
            "mode": mode,
            "count": int(count),
            "oldest": _utc(oldest),
            "newest": _utc(newest),
        }
        for fn, code, mode, count, oldest, newest in rows.all()
    ]


async def dead_letter(
    session: AsyncSession, dead_letter_id: uuid.UUID
) -> DeadLetter | None:
    return await session.get(DeadLetter, dead_letter_id)


async def open_dead_letters_of(
    session: AsyncSession, function_id: str, limit: int
) -> list[DeadLetter]:
    rows = await session.scalars(
        select(DeadLetter)
        .where(DeadLetter.function_id == function_id, DeadLetter.resolution.is_(None))
        .order_by(DeadLetter.created_at)
        .limit(limit)
    )
    return list(rows)


async def resolve_dead_letter(
    session: AsyncSession, dead_letter_id: uuid.UUID, resolution: str, at: dt.datetime
) -> None:
    await session.execute(
        update(DeadLetter)
        .where(DeadLetter.id == dead_letter_id)
        .values(resolution=resolution, resolved_at=at)
        .execution_options(synchronize_session=False)
    )


# --- dead outbox events -------------------------------------------------------------


async def dead_event_groups(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            OutboxEvent.name,
            OutboxEvent.last_error,
            func.count(),
            func.min(OutboxEvent.created_at),
            func.max(OutboxEvent.created_at),
        )
        .where(OutboxEvent.status == OutboxStatus.DEAD.value)
        .group_by(OutboxEvent.name, OutboxEvent.last_error)
        .order_by(OutboxEvent.name)
    )
    return [
        {
            "event_name": name,
            "error_code": code,
            "count": int(count),
            "oldest": _utc(oldest),
            "newest": _utc(newest),
        }
        for name, code, count, oldest, newest in rows.all()
    ]


async def outbox_event(session: AsyncSession, event_id: str) -> OutboxEvent | None:
    return await session.get(OutboxEvent, event_id)


async def dead_event_ids(
    session: AsyncSession, event_name: str, limit: int
) -> list[str]:
    rows = await session.scalars(
        select(OutboxEvent.id)
        .where(
            OutboxEvent.status == OutboxStatus.DEAD.value,
            OutboxEvent.name == event_name,
        )
        .order_by(OutboxEvent.created_at)
        .limit(limit)
    )
    return list(rows)


async def requeue_dead_event(
    session: AsyncSession, event_id: str, now: dt.datetime
) -> bool:
    """The one dead row back to pending (False if it is not dead)."""
    result = await session.execute(
        update(OutboxEvent)
        .where(
            OutboxEvent.id == event_id, OutboxEvent.status == OutboxStatus.DEAD.value
        )
        .values(status=OutboxStatus.PENDING.value, rejections=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def delete_dead_event(session: AsyncSession, event_id: str) -> bool:
    result = await session.execute(
        delete(OutboxEvent)
        .where(
            OutboxEvent.id == event_id, OutboxEvent.status == OutboxStatus.DEAD.value
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def last_sent_at(session: AsyncSession) -> dt.datetime | None:
    return _utc(
        await session.scalar(
            select(func.max(OutboxEvent.sent_at)).where(
                OutboxEvent.status == OutboxStatus.SENT.value
            )
        )
    )


async def dead_event_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).where(OutboxEvent.status == OutboxStatus.DEAD.value)
    )
    return int(count or 0)


# --- the audit of operator actions ----------------------------------------------------


async def claim_action(
    session: AsyncSession,
    *,
    target: str,
    target_id: str,
    action: str,
    function_id: str | None,
    actor: str,
    outcome: str,
    at: dt.datetime,
) -> bool:
    """Record the action; False when it was done (or is being done) already."""
    stmt = (
        insert_for(session, OperatorAction)
        .values(
            id=uuid.uuid4(),
            target=target,
            target_id=target_id,
            action=action,
            function_id=function_id,
            actor=actor,
            outcome=outcome,
            created_at=at,
        )
        .on_conflict_do_nothing(index_elements=["target", "target_id", "action"])
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def action(
    session: AsyncSession, target: str, target_id: str, action_name: str
) -> OperatorAction | None:
    return await session.scalar(
        select(OperatorAction).where(
            OperatorAction.target == target,
            OperatorAction.target_id == target_id,
            OperatorAction.action == action_name,
        )
    )


async def finish_action(
    session: AsyncSession,
    *,
    target: str,
    target_id: str,
    action_name: str,
    outcome: str,
    run_id: str | None,
    at: dt.datetime,
) -> None:
    await session.execute(
        update(OperatorAction)
        .where(
            OperatorAction.target == target,
            OperatorAction.target_id == target_id,
            OperatorAction.action == action_name,
        )
        .values(outcome=outcome, run_id=run_id, finished_at=at)
        .execution_options(synchronize_session=False)
    )


# --- heartbeats --------------------------------------------------------------------------


async def beat(session: AsyncSession, name: str, holder: str, at: dt.datetime) -> None:
    stmt = insert_for(session, OperatorHeartbeat).values(
        name=name, holder=holder, beat_at=at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_={"holder": holder, "beat_at": at}
        )
    )


async def heartbeat(session: AsyncSession, name: str) -> OperatorHeartbeat | None:
    return await session.get(OperatorHeartbeat, name)
