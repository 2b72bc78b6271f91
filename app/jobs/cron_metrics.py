"""The cron gauges: each cron's schedule gap and last completed run.

`gymjobs_cron_interval_seconds` is set for every cron worker when the runtime
is built; `gymjobs_cron_last_success_timestamp_seconds` when a run completes
(inline: the cron recorder; Inngest: the middleware), and from `cron_runs`
when the inline scheduler starts, so a restart does not look like silence.
"""

from __future__ import annotations

import datetime as dt

from app.core import metrics
from app.jobs import cron_schedule
from app.jobs.registry import WorkerRegistry


def export_schedules(registry: WorkerRegistry) -> None:
    for worker in registry.workers:
        if worker.cron:
            gap = cron_schedule.longest_gap_s(str(worker.cron))
            metrics.cron_interval.labels(worker.fn_id).set(gap)


def completed(function_id: str, at: dt.datetime | None = None) -> None:
    gauge = metrics.cron_last_success.labels(function_id)
    if at is None:
        gauge.set_to_current_time()
    else:
        stamp = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        gauge.set(stamp.timestamp())
