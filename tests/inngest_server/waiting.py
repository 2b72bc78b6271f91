"""Bounded waits for tests: drain all runs, wait for specific runs or pauses."""

from __future__ import annotations

import asyncio
import time
import typing

from .executor import Executor
from .models import Run, RunStatus

POLL = 0.01


class DrainTimeoutError(AssertionError):
    """Runs were still unfinished when the wait's timeout ran out."""

    def __init__(self, what: str, timeout: float, unfinished: list[Run]) -> None:
        lines = "\n  ".join(run.describe() for run in unfinished) or "(none)"
        super().__init__(
            f"{what} not done after {timeout:.1f}s; unfinished runs:\n  {lines}"
        )
        self.unfinished = unfinished


async def drain(exe: Executor, timeout: float) -> list[Run]:
    """Wait until every run started so far (and any they start) has finished."""
    deadline = time.monotonic() + timeout
    while True:
        pending = [exe.tasks[run.id] for run in exe.unfinished()]
        if not pending:
            return list(exe.runs)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DrainTimeoutError("drain", timeout, exe.unfinished())
        await asyncio.wait(pending, timeout=remaining)


async def wait_for_runs(
    exe: Executor,
    predicate: typing.Callable[[Run], bool],
    count: int,
    timeout: float,
    what: str,
) -> list[Run]:
    """Wait until ``count`` finished runs satisfy ``predicate``; return them."""
    deadline = time.monotonic() + timeout
    while True:
        done = [run for run in exe.runs if run.finished and predicate(run)]
        if len(done) >= count:
            return done
        if time.monotonic() >= deadline:
            raise DrainTimeoutError(what, timeout, exe.unfinished())
        await asyncio.sleep(POLL)


async def wait_for_pause(
    exe: Executor, predicate: typing.Callable[[Run], bool], timeout: float
) -> Run:
    """Wait until a run matching ``predicate`` is parked in waitForEvent."""
    deadline = time.monotonic() + timeout
    while True:
        for pause in exe.pauses:
            if predicate(pause.run) and pause.run.status is RunStatus.RUNNING:
                return pause.run
        if time.monotonic() >= deadline:
            raise DrainTimeoutError("wait_for_pause", timeout, exe.unfinished())
        await asyncio.sleep(POLL)


async def wait_until(
    exe: Executor, predicate: typing.Callable[[], bool], timeout: float, what: str
) -> None:
    """Poll ``predicate`` until it holds (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise DrainTimeoutError(what, timeout, exe.unfinished())
        await asyncio.sleep(POLL)
