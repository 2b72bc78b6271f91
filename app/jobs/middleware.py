"""Inngest middleware: log context, Sentry and dead letters for every function run.

The SDK turns a function's exception into an HTTP 500 *response*, which the
Sentry FastAPI integration never sees. This middleware binds the run's ids to
structlog and Sentry, logs every failure, and on the final attempt (or at once
when it is not retriable) reports the failure to Sentry once and writes its
dead-letter row (app/jobs/dead_letters.py). Calls of a function's `on_failure`
handler pass through untouched: the handler logs for itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import inngest
import sentry_sdk
from inngest._internal import errors as inngest_errors

from app.core import metrics
from app.core.log_sink import JOB_LOGGER
from app.core.logging import bound_logger
from app.jobs.dead_letters import (
    DeadLetterEntry,
    DeadLetters,
    EventIdFields,
    error_code_of,
    event_data_json,
)
from app.jobs.failure_report import report_failure
from app.jobs.job_context import inngest_run_actor

FUNCTION_FAILED = "inngest/function.failed"


def make_middleware(
    retries_by_fn: Mapping[str, int],
    id_fields_by_fn: Mapping[str, EventIdFields],
    dead_letters: DeadLetters,
    cron_ids: frozenset[str] = frozenset(),
) -> Callable[[inngest.Inngest, object], inngest.Middleware]:
    log = bound_logger(JOB_LOGGER)
    calls = metrics.inngest_calls

    class JobObservabilityMiddleware(inngest.Middleware):
        fn_id = ""
        run_id = ""
        attempt = 0
        event_name = ""
        event_id = ""
        event_data: Mapping[str, object] = {}  # replaced, never changed, per call
        failure_handler = False
        # The run's log context on each of this middleware's lines: the same
        # fields worker lines get from the run's actor (app/core/context.py).
        fields: dict[str, object] = {}  # replaced, never changed, per call

        async def transform_input(
            self,
            ctx: inngest.Context | inngest.ContextSync,
            function: inngest.Function[Any],
            steps: inngest.StepMemos,
        ) -> None:
            self.fn_id = function.local_id
            self.run_id = ctx.run_id
            self.attempt = ctx.attempt
            self.event_name = ctx.event.name
            self.event_id = ctx.event.id or ""
            self.failure_handler = self.event_name == FUNCTION_FAILED
            self.event_data = ctx.event.data  # read for ids on failure only
            self.fields = inngest_run_actor(self.fn_id, ctx).log_fields()
            scope = sentry_sdk.get_isolation_scope()
            scope.set_tag("inngest.function_id", self.fn_id)
            scope.set_tag("inngest.run_id", ctx.run_id)
            scope.set_tag("inngest.event_name", self.event_name)

        async def transform_output(self, result: inngest.TransformOutputResult) -> None:
            if self.failure_handler:
                return
            error = result.error
            if error is None:
                calls.labels(self.fn_id, "ok").inc()
                if result.step is None:
                    log.info("job.completed", **self.fields)
                    if self.fn_id in cron_ids:
                        metrics.cron_last_success.labels(
                            self.fn_id
                        ).set_to_current_time()
                else:
                    log.debug("job.step_completed", step=result.step.id, **self.fields)
                return
            if result.step is not None:
                calls.labels(self.fn_id, "retry").inc()
                log.warning(
                    "job.step_failed",
                    step=result.step.id,
                    error=type(error).__name__,
                    **self.fields,
                )
                return
            await self._function_failed(error)

        async def _function_failed(self, error: Exception) -> None:
            max_attempts = retries_by_fn.get(self.fn_id, 0) + 1
            retriable = inngest_errors.is_retriable(error)
            final = not retriable or self.attempt + 1 >= max_attempts
            fields = {"error": type(error).__name__, "final": final, **self.fields}
            calls.labels(self.fn_id, "failed" if final else "retry").inc()
            if not final:
                log.warning("job.attempt_failed", **fields)
                return
            log.error("job.failed", **fields)
            code = error_code_of(error)
            ids = id_fields_by_fn.get(self.fn_id, EventIdFields())
            entry = DeadLetterEntry(
                function_id=self.fn_id,
                run_id=self.run_id,
                event_id=self.event_id or None,
                event_name=self.event_name,
                resource_id=ids.resource_id(self.event_data),
                member_ids=ids.member_ids(self.event_data),
                error_code=code,
                attempts=self.attempt + 1,
                mode="inngest",
                recorded_by="middleware",
                event_data=event_data_json(self.event_data),
            )
            await dead_letters.record_and_report(
                entry,
                lambda: report_failure(
                    error,
                    fingerprint=["inngest", "function", self.fn_id],
                    tags={
                        "function_id": self.fn_id,
                        "event_name": self.event_name,
                        "retriable": str(retriable).lower(),
                        "error_code": code,
                    },
                    context_name="inngest",
                    context={
                        "function_id": self.fn_id,
                        "run_id": self.run_id,
                        "event_id": self.event_id,
                        "attempt": self.attempt + 1,
                        "max_attempts": max_attempts,
                    },
                ),
            )
            # Out before the executor gets its answer (and may stop this
            # process); nothing else on this path waits on Sentry.
            sentry_sdk.flush(timeout=2.0)

    return JobObservabilityMiddleware
