"""Inngest middleware: log context and Sentry for every function run.

The SDK turns a function's exception into an HTTP 500 *response*, which the
Sentry FastAPI integration never sees. This middleware binds the run's ids to
structlog and Sentry, logs every failure, and reports a failure to Sentry once:
on the final attempt, or at once when it is not retriable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import inngest
import sentry_sdk
import structlog
from inngest._internal import errors as inngest_errors

from app.core.logging import get_logger
from app.jobs.failure_report import report_failure

log = get_logger("app.jobs.run")


def make_middleware(
    retries_by_fn: Mapping[str, int],
) -> Callable[[inngest.Inngest, object], inngest.Middleware]:
    class JobObservabilityMiddleware(inngest.Middleware):
        fn_id = ""
        attempt = 0
        event_name = ""
        event_id = ""

        async def transform_input(
            self,
            ctx: inngest.Context | inngest.ContextSync,
            function: inngest.Function[Any],
            steps: inngest.StepMemos,
        ) -> None:
            self.fn_id = function.local_id
            self.attempt = ctx.attempt
            self.event_name = ctx.event.name
            self.event_id = ctx.event.id or ""
            structlog.contextvars.bind_contextvars(
                function_id=self.fn_id,
                run_id=ctx.run_id,
                event_id=self.event_id,
                event_name=self.event_name,
                attempt=ctx.attempt + 1,
            )
            scope = sentry_sdk.get_isolation_scope()
            scope.set_tag("inngest.function_id", self.fn_id)
            scope.set_tag("inngest.run_id", ctx.run_id)
            scope.set_tag("inngest.event_name", self.event_name)

        async def transform_output(self, result: inngest.TransformOutputResult) -> None:
            error = result.error
            if error is None:
                if result.step is None:
                    log.info("job.completed")
                return
            if result.step is not None:
                log.warning(
                    "job.step_failed", step=result.step.id, error=type(error).__name__
                )
                return
            self._function_failed(error)

        def _function_failed(self, error: Exception) -> None:
            max_attempts = retries_by_fn.get(self.fn_id, 0) + 1
            retriable = inngest_errors.is_retriable(error)
            final = not retriable or self.attempt + 1 >= max_attempts
            fields = {"error": type(error).__name__, "final": final}
            if not final:
                log.warning("job.attempt_failed", **fields)
                return
            log.error("job.failed", **fields)
            report_failure(
                error,
                fingerprint=["inngest", "function", self.fn_id],
                tags={
                    "function_id": self.fn_id,
                    "event_name": self.event_name,
                    "retriable": str(retriable).lower(),
                },
                context_name="inngest",
                context={
                    "function_id": self.fn_id,
                    "event_id": self.event_id,
                    "attempt": self.attempt + 1,
                    "max_attempts": max_attempts,
                },
            )

        async def before_response(self) -> None:
            sentry_sdk.flush(timeout=2.0)

    return JobObservabilityMiddleware
