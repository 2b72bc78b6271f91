"""Inline mode's cron scheduler: every cron worker on its schedule, in-process.

When Inngest is disabled nothing else would run the registry's crons (churn
scan, notification batches, wearable backfill, retention purge). This runs
each one on its UTC schedule through the same inline runner as events
(retries, dead letters, Sentry, the system actor), so disabling Inngest
changes how work runs, not whether it runs.

- One holder: with several processes only the holder of the leader lock
  (app/db/leader_lock.py) runs ticks; another takes over when it dies.
- Once per tick: a tick is claimed in `cron_runs` before it runs, so a
  takeover or restart never runs a tick twice.
- Missed ticks coalesce: after a pause, each cron runs its latest missed tick
  once (from its last claimed run on), never a backlog.
- Time is injected (`now`, `sleep`): tests move the clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from app.core.logging import get_logger
from app.db.leader_lock import LeaderLock
from app.db.models.cron_run import CronOutcome
from app.db.repositories import cron_runs as cron_runs_repo
from app.db.repositories import operations as ops_repo
from app.jobs import cron_metrics, cron_schedule
from app.jobs.registry import Worker
from app.services import clock

if TYPE_CHECKING:
    from app.jobs.inline_runner import InlineRunner
    from app.runtime import Runtime

log = get_logger("app.jobs.scheduler")
LOCK_NAME = "inline-scheduler"
# A follower retries the lock this often; a leader re-checks it at least this often.
LOCK_POLL_S = 10.0
# The leader writes a heartbeat each cycle (the operator status reads it).
LEADER_HEARTBEAT = "inline-scheduler"
LEADER_STALE_S = 3 * LOCK_POLL_S
HOLDER = f"{socket.gethostname()}:{os.getpid()}"


@dataclasses.dataclass(frozen=True)
class TickResult:
    function_id: str
    scheduled_for: dt.datetime
    outcome: CronOutcome | None  # None: another process had claimed the tick


class CronRecorder:
    """Claims a tick in `cron_runs`, runs it inline, records how it ended."""

    def __init__(self, runtime: Runtime, runner: InlineRunner) -> None:
        self._runtime = runtime
        self._runner = runner

    async def run(self, worker: Worker, tick: dt.datetime, trigger: str) -> TickResult:
        async with self._runtime.transaction() as session:
            claimed = await cron_runs_repo.claim(
                session,
                worker.fn_id,
                tick,
                trigger=trigger,
                started_at=clock.now(),
            )
        if not claimed:
            log.info("cron.skipped_claimed", function_id=worker.fn_id)
            return TickResult(worker.fn_id, tick, None)
        log.debug("cron.started", function_id=worker.fn_id, trigger=trigger)
        ok = await self._runner.run_cron(worker, tick)
        outcome = CronOutcome.COMPLETED if ok else CronOutcome.FAILED
        if ok:
            cron_metrics.completed(worker.fn_id)
        async with self._runtime.transaction() as session:
            await cron_runs_repo.finish(
                session, worker.fn_id, tick, outcome=outcome, finished_at=clock.now()
            )
        log.info("cron.finished", function_id=worker.fn_id, outcome=outcome.value)
        return TickResult(worker.fn_id, tick, outcome)


class InlineScheduler:
    def __init__(
        self,
        runtime: Runtime,
        runner: InlineRunner,
        *,
        now: Callable[[], dt.datetime] = clock.now,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._runtime = runtime
        self._recorder = CronRecorder(runtime, runner)
        self._crons = [w for w in runtime.registry.workers if w.cron is not None]
        self._lock = LeaderLock(runtime.engine, LOCK_NAME)
        self._now = now
        self._sleep = sleep or self._sleep_unless_stopped
        self._checked: dict[str, dt.datetime] = {}
        self._stop = asyncio.Event()

    @property
    def crons(self) -> list[Worker]:
        return list(self._crons)

    @property
    def is_leader(self) -> bool:
        return self._lock.held

    async def start(self, now: dt.datetime) -> None:
        """Checks begin at each cron's last claimed tick, or at `now`."""
        async with self._runtime.sessionmaker() as session:
            last = await cron_runs_repo.latest_ticks(
                session, [w.fn_id for w in self._crons]
            )
            runs = await cron_runs_repo.latest_runs(
                session, [w.fn_id for w in self._crons]
            )
        for run in runs.values():
            if run.outcome == CronOutcome.COMPLETED.value and run.finished_at:
                cron_metrics.completed(run.function_id, run.finished_at)
        for worker in self._crons:
            self._checked[worker.fn_id] = last.get(worker.fn_id, now)

    async def run_due(self, now: dt.datetime) -> list[TickResult]:
        """Run each cron whose latest tick falls after its last check, up to `now`."""
        results = []
        for worker in self._crons:
            after = self._checked.setdefault(worker.fn_id, now)
            tick = cron_schedule.due_tick(str(worker.cron), after, now)
            if tick is None:
                continue
            self._checked[worker.fn_id] = tick
            results.append(await self._recorder.run(worker, tick, "schedule"))
        return results

    def seconds_to_next_tick(self, now: dt.datetime) -> float:
        ticks = [
            cron_schedule.next_tick(str(w.cron), self._checked.get(w.fn_id, now))
            for w in self._crons
        ]
        if not ticks:
            return LOCK_POLL_S
        return max(0.0, (min(ticks) - now).total_seconds())

    async def run_forever(self) -> None:
        await self.start(self._now())
        try:
            while not self._stop.is_set():
                await self._cycle()
        finally:
            await self._lock.release()

    async def _cycle(self) -> None:
        try:
            leader = await self._lock.try_acquire()
            if leader:
                await self._beat()
                await self.run_due(self._now())
                delay = min(self.seconds_to_next_tick(self._now()), LOCK_POLL_S)
            else:
                delay = LOCK_POLL_S
        except Exception as exc:  # noqa: BLE001 - the database may be away; retry
            log.warning("scheduler.cycle_failed", error=type(exc).__name__)
            delay = LOCK_POLL_S
        await self._sleep(max(delay, 0.05))

    async def _beat(self) -> None:
        async with self._runtime.transaction() as session:
            await ops_repo.beat(session, LEADER_HEARTBEAT, HOLDER, clock.now())

    def stop(self) -> None:
        self._stop.set()

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), seconds)
        except TimeoutError:
            return
