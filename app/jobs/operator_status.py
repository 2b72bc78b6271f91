"""The operator status: is the background work keeping up?

Outbox lag (pending count, oldest pending age, dead events), the relay's last
successful send, the inline cron leader (from its heartbeat) and each cron's
last run, plus how many dead letters are open. Read on demand by the `status`
command and the operator API; `/readyz` stays about serving traffic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.db.models.dead_letter import DeadLetter
from app.db.repositories import cron_runs as cron_runs_repo
from app.db.repositories import operations as ops_repo
from app.db.repositories import outbox as outbox_repo
from app.jobs import cron_schedule
from app.jobs.scheduler import LEADER_HEARTBEAT, LEADER_STALE_S
from app.runtime import Runtime
from app.services import clock


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _age_s(now: dt.datetime, then: dt.datetime | None) -> float | None:
    return None if then is None else round((now - then).total_seconds(), 3)


async def operator_status(runtime: Runtime) -> dict[str, Any]:
    now = clock.now()
    crons = [w for w in runtime.registry.workers if w.cron]
    async with runtime.sessionmaker() as session:
        pending, oldest = await outbox_repo.pending_stats(session)
        dead_events = await ops_repo.dead_event_count(session)
        last_sent = await ops_repo.last_sent_at(session)
        beat = await ops_repo.heartbeat(session, LEADER_HEARTBEAT)
        runs = await cron_runs_repo.latest_runs(session, [w.fn_id for w in crons])
        open_letters = await session.scalar(
            select(func.count()).where(DeadLetter.resolution.is_(None))
        )
    settings = runtime.settings
    beat_at = None if beat is None else beat.beat_at
    leader_age = _age_s(now, beat_at)
    return {
        "mode": "inngest" if settings.INNGEST_ENABLED else "inline",
        "outbox": {
            "pending": pending,
            "oldest_pending_age_s": _age_s(now, oldest),
            "dead": dead_events,
        },
        "relay": {
            "last_sent_at": _iso(last_sent),
            "last_sent_age_s": _age_s(now, last_sent),
        },
        "scheduler": {
            "enabled": not settings.INNGEST_ENABLED and settings.INLINE_SCHEDULER,
            "leader": None if beat is None else beat.holder,
            "leader_seen_at": _iso(beat_at),
            "leader_stale": leader_age is None or leader_age > LEADER_STALE_S,
        },
        "crons": [
            {
                "function_id": w.fn_id,
                "schedule": w.cron,
                "next_tick": cron_schedule.next_tick(str(w.cron), now).isoformat(),
                "last_run": _run_view(runs.get(w.fn_id)),
            }
            for w in crons
        ],
        "dead_letters_open": int(open_letters or 0),
    }


def _run_view(run: Any) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "scheduled_for": _iso(run.scheduled_for),
        "trigger": run.trigger,
        "outcome": run.outcome,
        "finished_at": _iso(run.finished_at),
    }
