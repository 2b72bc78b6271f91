"""Inline mode: the very same worker handlers, awaited in the caller's task.

Used when INNGEST_ENABLED is false. Each consumer of an event, and each cron
tick (`run_cron`, from the inline scheduler or the run-once command), gets
`retries + 1` attempts (one for a `NonRetriableError`); a final failure is
logged, reported to Sentry once and written as one dead-letter row, and never
raised into the caller (whose write is already committed). Follow-up events a
worker dispatches run inline too, up to `MAX_DEPTH` levels deep.

Workers that call a third-party API (`third_party=True`: the wearable sync)
never keep a request waiting: dispatched from a request (or any top-level
unit of work) they run in a background task after the commit, so the
response goes out first and reports the state the request knows. `drain()`
waits for those tasks (shutdown, tests, the demo command).
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import datetime as dt
import time
import uuid
from typing import TYPE_CHECKING, Any

import inngest

from app.core import metrics
from app.core.context import SystemActor, system_context
from app.core.logging import get_logger
from app.jobs.dead_letters import DeadLetterEntry, error_code_of, event_data_json
from app.jobs.events.base import PlatformEvent
from app.jobs.failure_report import report_failure
from app.jobs.job_context import InlineJobContext, run_span
from app.jobs.registry import Worker, WorkerRegistry
from app.jobs.retry_delay import retry_delay

if TYPE_CHECKING:
    from app.runtime import Runtime

log = get_logger("app.jobs.inline")
MAX_DEPTH = 8
# The event name Inngest gives a cron run's trigger; inline cron runs use it too.
CRON_EVENT_NAME = "inngest/scheduled.timer"
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("inline_depth", default=0)


@dataclasses.dataclass(frozen=True)
class _Trigger:
    """What started a run: an event, or a cron tick (payload None)."""

    event_id: str
    event_name: str
    category: str
    payload: PlatformEvent | None
    data: dict[str, Any]
    resource_id: str | None

    @classmethod
    def of_event(cls, event_id: str, event: PlatformEvent) -> _Trigger:
        return cls(
            event_id,
            event.name,
            event.category().value,
            event,
            event.model_dump(mode="json"),
            event.resource_id(),
        )

    @classmethod
    def of_tick(cls, worker: Worker, tick: dt.datetime) -> _Trigger:
        stamp = tick.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
        category = worker.fn_id.split("-", 1)[0]
        return cls(
            f"cron-{worker.fn_id}-{stamp}", CRON_EVENT_NAME, category, None, {}, None
        )


def new_run_id() -> str:
    return f"inline-{uuid.uuid4().hex}"


class InlineRunner:
    def __init__(self, registry: WorkerRegistry, runtime: Runtime) -> None:
        self._registry = registry
        self._runtime = runtime
        self._background: set[asyncio.Task[bool]] = set()

    async def run(self, events: list[tuple[str, PlatformEvent]]) -> None:
        depth = _depth.get()
        if depth >= MAX_DEPTH:
            log.error("inline.depth_exceeded", depth=depth, count=len(events))
            return
        token = _depth.set(depth + 1)
        try:
            for event_id, event in events:
                trigger = _Trigger.of_event(event_id, event)
                for worker in self._registry.consumers(event.name):
                    if worker.third_party and depth == 0:
                        self._in_background(worker, trigger)
                    else:
                        await self._run_worker(worker, trigger)
        finally:
            _depth.reset(token)

    def _in_background(self, worker: Worker, trigger: _Trigger) -> None:
        """Run after the caller returns (its context, depth 1 inside)."""
        task = asyncio.create_task(self._run_worker(worker, trigger))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @property
    def pending(self) -> int:
        return len(self._background)

    async def drain(self, timeout_s: float | None = None) -> bool:
        """Wait for background runs (and the ones they start); False when
        `timeout_s` passed first (what is left is cancelled)."""
        try:
            async with asyncio.timeout(timeout_s):
                while self._background:
                    await asyncio.gather(*self._background, return_exceptions=True)
        except TimeoutError:
            for task in list(self._background):
                task.cancel()
            await asyncio.gather(*self._background, return_exceptions=True)
            return False
        return True

    async def run_cron(self, worker: Worker, tick: dt.datetime) -> bool:
        """One run of a cron worker for `tick`; True when it completed."""
        if worker.cron is None:
            raise ValueError(f"{worker.fn_id} is not a cron worker")
        return await self._run_worker(worker, _Trigger.of_tick(worker, tick))

    async def run_again(
        self,
        worker: Worker,
        event_id: str,
        event: PlatformEvent | None,
        run_id: str,
    ) -> bool:
        """An operator's replay (app/jobs/dead_letter_ops.py): one new run
        `run_id` of `worker` for the original event (same id), or for a cron
        tick now when `event` is None; True when it completed."""
        if event is not None:
            trigger = _Trigger.of_event(event_id, event)
        else:
            trigger = _Trigger.of_tick(worker, dt.datetime.now(dt.UTC))
        return await self._run_worker(worker, trigger, run_id)

    async def _run_worker(
        self, worker: Worker, trigger: _Trigger, run_id: str | None = None
    ) -> bool:
        token = _depth.set(max(_depth.get(), 1))
        started = time.perf_counter()
        try:
            with run_span(worker.fn_id, "inline", trigger.event_name):
                ok = await self._attempts(worker, trigger, run_id)
        finally:
            _depth.reset(token)
        outcome = "completed" if ok else "failed"
        metrics.inline_runs.labels(worker.fn_id, outcome).inc()
        metrics.inline_run_duration.labels(worker.fn_id).observe(
            time.perf_counter() - started
        )
        return ok

    async def _attempts(
        self, worker: Worker, trigger: _Trigger, run_id: str | None = None
    ) -> bool:
        run_id = run_id or new_run_id()
        attempts = worker.retries_or(self._runtime.settings.INNGEST_RETRIES) + 1
        actor = SystemActor(
            function_id=worker.fn_id,
            run_id=run_id,
            event_id=trigger.event_id,
            event_name=trigger.event_name,
            mode="inline",
        )
        with system_context(actor):
            for attempt in range(attempts):
                job = InlineJobContext(self._runtime, run_id, attempt)
                try:
                    await worker.handler(trigger.payload, job)
                except inngest.NonRetriableError as exc:
                    await self._fail(worker, run_id, trigger, exc, attempt + 1)
                    return False
                except Exception as exc:  # noqa: BLE001 - reported, never raised
                    if attempt + 1 >= attempts:
                        await self._fail(worker, run_id, trigger, exc, attempt + 1)
                        return False
                    log.warning(
                        "inline.attempt_failed",
                        attempt=attempt + 1,
                        error=type(exc).__name__,
                    )
                    await asyncio.sleep(retry_delay(attempt))
                else:
                    log.info("inline.completed", attempt=attempt + 1)
                    return True
        return False

    async def _fail(
        self,
        worker: Worker,
        run_id: str,
        trigger: _Trigger,
        exc: BaseException,
        attempts: int,
    ) -> None:
        code = error_code_of(exc)
        fields = {
            "function_id": worker.fn_id,
            "run_id": run_id,
            "event_name": trigger.event_name,
            "event_id": trigger.event_id,
            "resource_id": trigger.resource_id,
            "attempts": attempts,
            "error": type(exc).__name__,
            "error_code": code,
        }
        log.error("inline.failed", **fields)
        entry = DeadLetterEntry(
            function_id=worker.fn_id,
            run_id=run_id,
            event_id=trigger.event_id,
            event_name=trigger.event_name,
            resource_id=worker.id_fields.resource_id(trigger.data),
            member_ids=worker.id_fields.member_ids(trigger.data),
            error_code=code,
            attempts=attempts,
            mode="inline",
            recorded_by="inline",
            event_data=event_data_json(trigger.data),
        )
        tags = {
            "function_id": worker.fn_id,
            "event_name": trigger.event_name,
            "category": trigger.category,
            "error_code": code,
            "mode": "inline",
        }
        if trigger.resource_id is not None:
            tags["resource_id"] = trigger.resource_id
        await self._runtime.dead_letters.record_and_report(
            entry,
            lambda: report_failure(
                exc,
                fingerprint=["inngest", "function", worker.fn_id],
                tags=tags,
                context_name="inngest",
                context=fields,
            ),
        )
