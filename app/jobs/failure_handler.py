"""The `on_failure` handler the registry gives every Inngest function.

Inngest calls it with an `inngest/function.failed` event once a run has
failed for good. It writes the dead-letter row if the middleware has not
(a failure our code never saw, e.g. a run timeout), and only then reports to
Sentry, so a failure never gives two rows or two Sentry events. It copies ids
and codes only: the failed event's data is never stored or logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import inngest
import sentry_sdk

from app.core.logging import get_logger
from app.jobs.dead_letters import (
    DeadLetterEntry,
    EventIdFields,
    event_data_json,
    failure_code,
)

if TYPE_CHECKING:
    from app.runtime import Runtime

log = get_logger("app.jobs.failure")


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def entry_from_failed_event(
    fn_id: str, fields: EventIdFields, data: Mapping[str, Any]
) -> DeadLetterEntry:
    original = _mapping(data.get("event"))
    error = _mapping(data.get("error"))
    event_id = original.get("id")
    event_name = original.get("name")
    return DeadLetterEntry(
        function_id=fn_id,
        run_id=str(data.get("run_id") or ""),
        event_id=str(event_id)[:200] if event_id else None,
        event_name=str(event_name)[:200] if event_name else None,
        resource_id=fields.resource_id(original.get("data")),
        member_ids=fields.member_ids(original.get("data")),
        error_code=failure_code(
            str(error.get("name") or "Error"), str(error.get("message") or "")
        ),
        attempts=None,  # Inngest's failure event does not say
        mode="inngest",
        recorded_by="on_failure",
        event_data=event_data_json(original.get("data")),
    )


def _report(entry: DeadLetterEntry) -> str | None:
    with sentry_sdk.new_scope() as scope:
        scope.fingerprint = ["inngest", "function", entry.function_id]
        scope.set_tag("function_id", entry.function_id)
        scope.set_tag("event_name", entry.event_name or "")
        scope.set_tag("error_code", entry.error_code)
        scope.set_tag("recorded_by", entry.recorded_by)
        scope.set_context(
            "inngest",
            {
                "function_id": entry.function_id,
                "run_id": entry.run_id,
                "event_id": entry.event_id,
            },
        )
        return sentry_sdk.capture_message(
            f"job failed: {entry.function_id} ({entry.error_code})", level="error"
        )


def make_failure_handler(
    fn_id: str, fields: EventIdFields, runtime: Runtime
) -> Callable[[inngest.Context], Awaitable[dict[str, str]]]:
    async def on_failure(ctx: inngest.Context) -> dict[str, str]:
        entry = entry_from_failed_event(fn_id, fields, ctx.event.data)
        recorded = await runtime.dead_letters.record_and_report(
            entry, lambda: _report(entry)
        )
        sentry_sdk.flush(timeout=2.0)
        log.info(
            "job.failure_handled",
            function_id=fn_id,
            failed_run_id=entry.run_id,
            dead_letter=recorded.value,
        )
        return {"dead_letter": recorded.value}

    return on_failure
