"""SQL about cron runs: claim a tick once, record how it ended, list the last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.cron_run import CronOutcome, CronRun
from app.db.repositories.dialect_insert import insert_for


async def claim(
    session: AsyncSession,
    function_id: str,
    scheduled_for: dt.datetime,
    *,
    trigger: str,
    started_at: dt.datetime,
) -> bool:
    """Insert the tick's row; False when another run claimed it already."""
    stmt = (
        insert_for(session, CronRun)
        .values(
            function_id=function_id,
            scheduled_for=scheduled_for,
            trigger=trigger,
            started_at=started_at,
            outcome=CronOutcome.RUNNING.value,
        )
        .on_conflict_do_nothing(index_elements=["function_id", "scheduled_for"])
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def finish(
    session: AsyncSession,
    function_id: str,
    scheduled_for: dt.datetime,
    *,
    outcome: CronOutcome,
    finished_at: dt.datetime,
) -> None:
    await session.execute(
        update(CronRun)
        .where(
            CronRun.function_id == function_id,
            CronRun.scheduled_for == scheduled_for,
        )
        .values(outcome=outcome.value, finished_at=finished_at)
    )


async def latest_runs(
    session: AsyncSession, function_ids: Sequence[str]
) -> dict[str, CronRun]:
    """Each function's most recent run (by start time)."""
    newest = (
        select(CronRun.function_id, func.max(CronRun.started_at).label("started"))
        .where(CronRun.function_id.in_(list(function_ids)))
        .group_by(CronRun.function_id)
        .subquery()
    )
    rows = await session.scalars(
        select(CronRun).join(
            newest,
            (CronRun.function_id == newest.c.function_id)
            & (CronRun.started_at == newest.c.started),
        )
    )
    return {row.function_id: row for row in rows}


async def latest_ticks(
    session: AsyncSession, function_ids: Sequence[str]
) -> dict[str, dt.datetime]:
    """Each function's latest claimed tick."""
    rows = await session.execute(
        select(CronRun.function_id, func.max(CronRun.scheduled_for))
        .where(CronRun.function_id.in_(list(function_ids)))
        .group_by(CronRun.function_id)
    )
    found: dict[str, dt.datetime] = {}
    for function_id, tick in rows.all():
        found[function_id] = _utc(tick)
    return found


def _utc(value: object) -> dt.datetime:
    """max() may bypass the column type: SQLite can hand back naive UTC text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError("cron_runs.scheduled_for is not a datetime")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
