"""Inline mode: the very same worker handlers, awaited in the caller's task.

Used when INNGEST_ENABLED is false. Each consumer of an event gets
`retries + 1` attempts (one for a `NonRetriableError`); a final failure is
logged, reported to Sentry once and written as one dead-letter row, and never
raised into the caller (whose write is already committed). Follow-up events a
worker dispatches run inline too, up to `MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from typing import TYPE_CHECKING

import inngest

from app.core.context import SystemActor, system_context
from app.core.logging import get_logger
from app.jobs.dead_letters import DeadLetterEntry, error_code_of
from app.jobs.events.base import PlatformEvent
from app.jobs.failure_report import report_failure
from app.jobs.job_context import InlineJobContext
from app.jobs.registry import Worker, WorkerRegistry
from app.jobs.retry_delay import retry_delay

if TYPE_CHECKING:
    from app.runtime import Runtime

log = get_logger("app.jobs.inline")
MAX_DEPTH = 8
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("inline_depth", default=0)


class InlineRunner:
    def __init__(self, registry: WorkerRegistry, runtime: Runtime) -> None:
        self._registry = registry
        self._runtime = runtime

    async def run(self, events: list[tuple[str, PlatformEvent]]) -> None:
        depth = _depth.get()
        if depth >= MAX_DEPTH:
            log.error("inline.depth_exceeded", depth=depth, count=len(events))
            return
        token = _depth.set(depth + 1)
        try:
            for event_id, event in events:
                for worker in self._registry.consumers(event.name):
                    await self._run_worker(worker, event_id, event)
        finally:
            _depth.reset(token)

    async def _run_worker(
        self, worker: Worker, event_id: str, event: PlatformEvent
    ) -> None:
        run_id = f"inline-{uuid.uuid4().hex}"
        attempts = worker.retries_or(self._runtime.settings.INNGEST_RETRIES) + 1
        actor = SystemActor(
            function_id=worker.fn_id,
            run_id=run_id,
            event_id=event_id,
            event_name=event.name,
            mode="inline",
        )
        with system_context(actor):
            for attempt in range(attempts):
                job = InlineJobContext(self._runtime, run_id, attempt)
                try:
                    await worker.handler(event, job)
                except inngest.NonRetriableError as exc:
                    await self._fail(worker, run_id, event_id, event, exc, attempt + 1)
                    return
                except Exception as exc:  # noqa: BLE001 - reported, never raised
                    if attempt + 1 >= attempts:
                        await self._fail(
                            worker, run_id, event_id, event, exc, attempt + 1
                        )
                        return
                    log.warning(
                        "inline.attempt_failed",
                        attempt=attempt + 1,
                        error=type(exc).__name__,
                    )
                    await asyncio.sleep(retry_delay(attempt))
                else:
                    log.info("inline.completed", attempt=attempt + 1)
                    return

    async def _fail(
        self,
        worker: Worker,
        run_id: str,
        event_id: str,
        event: PlatformEvent,
        exc: BaseException,
        attempts: int,
    ) -> None:
        code = error_code_of(exc)
        fields = {
            "function_id": worker.fn_id,
            "run_id": run_id,
            "event_name": event.name,
            "event_id": event_id,
            "resource_id": event.resource_id(),
            "attempts": attempts,
            "error": type(exc).__name__,
            "error_code": code,
        }
        log.error("inline.failed", **fields)
        data = event.model_dump(mode="json")
        entry = DeadLetterEntry(
            function_id=worker.fn_id,
            run_id=run_id,
            event_id=event_id,
            event_name=event.name,
            resource_id=worker.id_fields.resource_id(data),
            member_ids=worker.id_fields.member_ids(data),
            error_code=code,
            attempts=attempts,
            mode="inline",
            recorded_by="inline",
        )
        await self._runtime.dead_letters.record_and_report(
            entry,
            lambda: report_failure(
                exc,
                fingerprint=["inngest", "function", worker.fn_id],
                tags={
                    "function_id": worker.fn_id,
                    "event_name": event.name,
                    "category": event.category().value,
                    "resource_id": event.resource_id(),
                    "error_code": code,
                    "mode": "inline",
                },
                context_name="inngest",
                context=fields,
            ),
        )
