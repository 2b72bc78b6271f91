"""What a worker body sees, the same under Inngest and inline.

A worker is written once as `async def handler(event, job) -> JSON`. Under
Inngest, `job.step(...)` is a durable, memoised `ctx.step.run`; inline it just
awaits the function. Either way the worker runs as the system (no user).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import inngest
from opentelemetry import context as otel_context

from app.core import tracing
from app.core.context import SystemActor

if TYPE_CHECKING:
    from app.runtime import Runtime

T = TypeVar("T")


def run_span(
    function_id: str,
    mode: str,
    event_name: str | None,
    parent: otel_context.Context | None = None,
) -> AbstractContextManager[Any]:
    """`job.run`: one run (inline) or one call of a run (Inngest). The SDK's
    step interrupts pass through it as exceptions: not errors of the span."""
    return tracing.tracer().start_as_current_span(
        "job.run",
        context=parent,
        attributes={
            "job.function_id": function_id,
            "job.mode": mode,
            "job.event_name": event_name or "",
        },
        record_exception=False,
        set_status_on_exception=False,
    )


def step_span(step_id: str) -> AbstractContextManager[Any]:
    return tracing.tracer().start_as_current_span(
        "job.step",
        attributes={"job.step_id": step_id},
        record_exception=False,
        set_status_on_exception=False,
    )


class JobContext(Protocol):
    @property
    def runtime(self) -> Runtime: ...

    @property
    def run_id(self) -> str: ...

    @property
    def attempt(self) -> int: ...

    async def step(self, step_id: str, fn: Callable[[], Awaitable[T]]) -> T: ...

    async def sleep(self, step_id: str, duration: dt.timedelta) -> None: ...


def inngest_run_actor(
    function_id: str, ctx: inngest.Context | inngest.ContextSync
) -> SystemActor:
    """The actor of one call of an Inngest run (attempt counted from 1)."""
    return SystemActor(
        function_id=function_id,
        run_id=ctx.run_id,
        event_id=ctx.event.id or None,
        event_name=ctx.event.name,
        attempt=ctx.attempt + 1,
    )


class InngestJobContext:
    def __init__(self, ctx: inngest.Context, runtime: Runtime) -> None:
        self._ctx = ctx
        self._runtime = runtime

    @property
    def runtime(self) -> Runtime:
        return self._runtime

    @property
    def run_id(self) -> str:
        return self._ctx.run_id

    @property
    def attempt(self) -> int:
        return self._ctx.attempt

    async def step(self, step_id: str, fn: Callable[[], Awaitable[T]]) -> T:
        with step_span(step_id):
            result: T = await self._ctx.step.run(step_id, fn)
        return result

    async def sleep(self, step_id: str, duration: dt.timedelta) -> None:
        await self._ctx.step.sleep(step_id, duration)


class InlineJobContext:
    """Runs steps directly; sleeps are skipped (inline work has no timer)."""

    def __init__(self, runtime: Runtime, run_id: str, attempt: int) -> None:
        self._runtime = runtime
        self._run_id = run_id
        self._attempt = attempt
        self.steps_run: list[str] = []

    @property
    def runtime(self) -> Runtime:
        return self._runtime

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def attempt(self) -> int:
        return self._attempt

    async def step(self, step_id: str, fn: Callable[[], Awaitable[T]]) -> T:
        self.steps_run.append(step_id)
        with step_span(step_id):
            return await fn()

    async def sleep(self, step_id: str, duration: dt.timedelta) -> None:
        self.steps_run.append(step_id)


Handler = Callable[[Any, JobContext], Awaitable[Any]]
