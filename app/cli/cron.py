"""`python -m app.cli cron --list` and `python -m app.cli cron run <function-id>`.

`--list` shows every cron worker with its schedule (UTC), its next tick and
its last run (inline scheduler or this command). `run` runs one cron worker
once, now, through the inline runner (retries, dead letters, Sentry), in
either mode: under Inngest the events it dispatches go through the outbox,
which the relay sends; inline they run here too. The run is recorded in
`cron_runs` with trigger `manual`.
"""

from __future__ import annotations

import json
from typing import Any

from app.db.models.cron_run import CronOutcome
from app.db.repositories import cron_runs as cron_runs_repo
from app.jobs import cron_schedule
from app.jobs.inline_runner import InlineRunner
from app.jobs.registry import Worker
from app.jobs.scheduler import CronRecorder
from app.runtime import Runtime
from app.services import clock


class UnknownCronError(SystemExit):
    def __init__(self, function_id: str, known: list[str]) -> None:
        super().__init__(
            f"no cron worker {function_id!r}; cron workers: {', '.join(known)}"
        )


def cron_workers(runtime: Runtime) -> list[Worker]:
    return [w for w in runtime.registry.workers if w.cron is not None]


async def list_crons(runtime: Runtime) -> list[dict[str, Any]]:
    workers = cron_workers(runtime)
    async with runtime.sessionmaker() as session:
        last = await cron_runs_repo.latest_runs(session, [w.fn_id for w in workers])
    now = clock.now()
    rows = []
    for worker in workers:
        run = last.get(worker.fn_id)
        rows.append(
            {
                "function_id": worker.fn_id,
                "schedule": worker.cron,
                "next_tick": cron_schedule.next_tick(str(worker.cron), now).isoformat(),
                "last_run": None
                if run is None
                else {
                    "scheduled_for": run.scheduled_for.isoformat(),
                    "trigger": run.trigger,
                    "outcome": run.outcome,
                    "finished_at": run.finished_at and run.finished_at.isoformat(),
                },
            }
        )
    return rows


async def run_cron_once(runtime: Runtime, function_id: str) -> dict[str, Any]:
    workers = {w.fn_id: w for w in cron_workers(runtime)}
    worker = workers.get(function_id)
    if worker is None:
        raise UnknownCronError(function_id, sorted(workers))
    runner = runtime.inline_runner or InlineRunner(runtime.registry, runtime)
    result = await CronRecorder(runtime, runner).run(worker, clock.now(), "manual")
    return {
        "function_id": function_id,
        "outcome": (result.outcome or CronOutcome.RUNNING).value,
        "mode": "inngest" if runtime.settings.INNGEST_ENABLED else "inline",
    }


def render_list(rows: list[dict[str, Any]], *, as_json: bool) -> str:
    if as_json:
        return json.dumps(rows)
    lines = [f"{'function':36} {'schedule':12} {'next tick (UTC)':26} last run"]
    for row in rows:
        last = row["last_run"]
        seen = "never" if last is None else f"{last['scheduled_for']} {last['outcome']}"
        lines.append(
            f"{row['function_id']:36} {row['schedule']:12} {row['next_tick']:26} {seen}"
        )
    return "\n".join(lines)
