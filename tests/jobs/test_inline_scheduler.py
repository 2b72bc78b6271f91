"""The inline scheduler: every cron on its schedule, once per tick, with the
clock moved by the test (no sleeping), through the inline runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.leader_lock import LeaderLock
from app.db.models import CronRun, DeadLetter
from app.db.session import create_sessionmaker
from app.jobs.inline_runner import CRON_EVENT_NAME
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry
from app.jobs.scheduler import InlineScheduler
from app.runtime import Runtime, build_runtime
from tests.support.sentry_capture import CapturingTransport

pytestmark = pytest.mark.db
T0 = dt.datetime(2026, 12, 7, 10, 1, tzinfo=dt.UTC)


class Ticks:
    """A cron worker body that records each run; fails while `failing`."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.attempts = 0
        self.failing = False

    async def __call__(self, payload: None, job: JobContext) -> dict[str, Any]:
        self.attempts += 1
        if self.failing:
            raise RuntimeError("cron body failed")
        self.runs.append(job.run_id)
        return {"ok": True}


def registry_with(ticks: Ticks, *, retries: int = 1) -> WorkerRegistry:
    registry = WorkerRegistry()
    registry.worker(fn_id="test-every-five", cron="*/5 * * * *", retries=retries)(ticks)
    return registry


@pytest.fixture
async def runtime_of(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Callable[[WorkerRegistry], Runtime]]:
    built: list[Runtime] = []

    def build(registry: WorkerRegistry) -> Runtime:
        runtime = build_runtime(settings_factory(INNGEST_ENABLED=False), registry)
        built.append(runtime)
        return runtime

    yield build
    for runtime in built:
        await runtime.dispose()


async def cron_rows(engine: AsyncEngine) -> list[CronRun]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(select(CronRun).order_by(CronRun.scheduled_for))
        return list(rows.all())


def scheduler_for(runtime: Runtime) -> InlineScheduler:
    assert runtime.inline_runner is not None
    return InlineScheduler(runtime, runtime.inline_runner)


async def test_a_cron_runs_once_per_tick_as_the_clock_moves(
    runtime_of: Callable[[WorkerRegistry], Runtime], engine: AsyncEngine
) -> None:
    ticks = Ticks()
    scheduler = scheduler_for(runtime_of(registry_with(ticks)))
    await scheduler.start(T0)
    assert await scheduler.run_due(T0 + dt.timedelta(minutes=3)) == []  # 10:04
    [first] = await scheduler.run_due(T0 + dt.timedelta(minutes=4))  # 10:05
    assert first.scheduled_for == dt.datetime(2026, 12, 7, 10, 5, tzinfo=dt.UTC)
    assert first.outcome is not None
    assert first.outcome.value == "completed"
    assert await scheduler.run_due(T0 + dt.timedelta(minutes=4, seconds=30)) == []
    # Twenty minutes pass at once: the missed ticks coalesce into the latest.
    [late] = await scheduler.run_due(T0 + dt.timedelta(minutes=20))  # 10:21
    assert late.scheduled_for == dt.datetime(2026, 12, 7, 10, 20, tzinfo=dt.UTC)
    assert len(ticks.runs) == 2
    rows = await cron_rows(engine)
    assert [(r.scheduled_for.minute, r.trigger, r.outcome) for r in rows] == [
        (5, "schedule", "completed"),
        (20, "schedule", "completed"),
    ]


async def test_a_second_scheduler_never_runs_a_claimed_tick_again(
    runtime_of: Callable[[WorkerRegistry], Runtime], engine: AsyncEngine
) -> None:
    ticks = Ticks()
    first = scheduler_for(runtime_of(registry_with(ticks)))
    await first.start(T0)
    await first.run_due(T0 + dt.timedelta(minutes=4))
    # Another process checking from an older point (a takeover) reaches the
    # same tick: the claim in cron_runs stops it.
    other = scheduler_for(runtime_of(registry_with(ticks)))
    other._checked = {"test-every-five": T0}
    [skipped] = await other.run_due(T0 + dt.timedelta(minutes=4))
    assert skipped.outcome is None
    assert len(ticks.runs) == 1
    # A restarted process starts from the last claimed tick, not from now.
    restarted = scheduler_for(runtime_of(registry_with(ticks)))
    await restarted.start(T0 + dt.timedelta(minutes=30))
    [caught_up] = await restarted.run_due(T0 + dt.timedelta(minutes=30))
    assert caught_up.scheduled_for.minute == 30
    assert len(ticks.runs) == 2


async def test_a_failing_cron_is_retried_then_dead_lettered_once(
    runtime_of: Callable[[WorkerRegistry], Runtime],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    ticks = Ticks()
    ticks.failing = True
    scheduler = scheduler_for(runtime_of(registry_with(ticks, retries=2)))
    await scheduler.start(T0)
    [result] = await scheduler.run_due(T0 + dt.timedelta(minutes=4))
    assert result.outcome is not None
    assert result.outcome.value == "failed"
    assert ticks.attempts == 3  # retries + 1
    async with create_sessionmaker(engine)() as session:
        [letter] = list((await session.scalars(select(DeadLetter))).all())
    assert letter.function_id == "test-every-five"
    assert letter.event_name == CRON_EVENT_NAME
    assert letter.mode == "inline"
    assert letter.attempts == 3
    [report] = sentry_capture.events
    assert report["tags"]["function_id"] == "test-every-five"
    assert report["tags"]["mode"] == "inline"
    [row] = await cron_rows(engine)
    assert row.outcome == "failed"


async def test_the_loop_sleeps_until_the_next_tick_on_an_injected_clock(
    runtime_of: Callable[[WorkerRegistry], Runtime], engine: AsyncEngine
) -> None:
    ticks = Ticks()
    runtime = runtime_of(registry_with(ticks))
    clock = [T0]
    slept: list[float] = []
    assert runtime.inline_runner is not None

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += dt.timedelta(seconds=seconds)
        if clock[0] >= T0 + dt.timedelta(minutes=15):
            scheduler.stop()

    scheduler = InlineScheduler(
        runtime, runtime.inline_runner, now=lambda: clock[0], sleep=sleep
    )
    await scheduler.run_forever()
    # 10:05, 10:10 and 10:15 in fifteen simulated minutes, each once.
    assert [r.scheduled_for.minute for r in await cron_rows(engine)] == [5, 10, 15]
    assert len(ticks.runs) == 3
    assert max(slept) <= 10.0  # the leader re-checks its lock at least this often
    assert not scheduler.is_leader  # released on the way out


async def test_one_leader_lock_holder_at_a_time(engine: AsyncEngine) -> None:
    first, second = LeaderLock(engine, "test-lock"), LeaderLock(engine, "test-lock")
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # a holder keeps it
        assert not await second.try_acquire()
        await first.release()
        assert await second.try_acquire()
    finally:
        await first.release()
        await second.release()
