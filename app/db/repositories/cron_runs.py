"""SQL about cron runs: claim a tick once, record how it ended, list the last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.cron_run import CronOutcome, CronRun
from app.db.repositories.dialect_insert import insert_for
from app.db.repositories.latest import newest_per_key


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
    rows = await newest_per_key(
        session, CronRun, CronRun.function_id, CronRun.started_at, function_ids
    )
    return {row.function_id: row for row in rows}


async def latest_ticks(
    session: AsyncSession, function_ids: Sequence[str]
) -> dict[str, dt.datetime]:
    """Each function's latest claimed tick (aware UTC: max keeps the type)."""
    rows = await session.execute(
        select(CronRun.function_id, func.max(CronRun.scheduled_for))
        .where(CronRun.function_id.in_(list(function_ids)))
        .group_by(CronRun.function_id)
    )
    return dict(rows.all())
