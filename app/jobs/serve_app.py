"""`/api/inngest` as its own small ASGI app, reached before the API's middleware.

Inngest calls this endpoint once per step of every run, so each call carries
only what it needs:

    ServeEdge → TrustedHostMiddleware → InngestServeGuard → BodyCap → serve app

- `ServeEdge`: a fresh Sentry scope and log context per call (the Inngest
  middleware tags the scope with the run's ids, app/jobs/middleware.py; log
  lines get them from the run's actor, app/core/context.py), a Sentry
  report of any exception that escapes below it (answered with a JSON 500
  `{code, detail, request_id}`, not re-raised), and the access line of a
  call answered 4xx/5xx, or of every call with `LOG_INNGEST_ACCESS=true`
  (app/core/access_log.py). It is the one layer that watches the response:
  the layers below read its status from the scope
  (app/core/response_status.py).
- the trusted-host check of the API (`ALLOWED_HOSTS`);
- `InngestServeGuard`: signature freshness and replays (app/jobs/serve_guard.py);
- `BodyCap`: the endpoint's own body cap, `INNGEST_MAX_BODY_BYTES`
  (app/jobs/body_cap.py);
- a FastAPI app holding only the SDK's routes (`inngest.fast_api.serve`).

Left out on purpose: request ids, the API's routes and Sentry's per-request
instrumentation. A function's failure never reaches that instrumentation
anyway (the SDK turns it into a 500 response); the Inngest middleware reports
it, once, on the final attempt.
"""

from __future__ import annotations

import time

import inngest.fast_api
import sentry_sdk
import structlog
from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.access_log import AccessLines
from app.core.errors import register_error_handlers
from app.core.response_status import SCOPE_KEY, ResponseStatus
from app.core.unexpected_errors import error_response
from app.db.repositories.seen_signatures import DatabaseSeenSignatures
from app.db.session import create_autocommit_engine
from app.jobs.body_cap import BodyCap
from app.jobs.replay_cache import ReplayStore, SeenSignatures
from app.jobs.serve_guard import InngestServeGuard
from app.runtime import Runtime


class ServeEdge:
    """Outermost layer of `/api/inngest`: per-call Sentry scope, log context
    and access line."""

    def __init__(
        self,
        app: ASGIApp,
        guard: InngestServeGuard,
        endpoint: ASGIApp,
        *,
        log_every_call: bool = False,
    ) -> None:
        self.app = app
        self.guard = guard  # kept for inspection (its replay cache)
        self.endpoint = endpoint  # the SDK's app alone (benchmarks' floor)
        self.log_every_call = log_every_call  # else only 4xx/5xx answers
        self.access = AccessLines(with_query=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        seen = ResponseStatus()
        scope[SCOPE_KEY] = seen
        # uvicorn runs each request in a task of its own, so what a call binds
        # cannot reach the next one; cleared after it for in-process callers.
        try:
            with sentry_sdk.isolation_scope():
                try:
                    await self.app(scope, receive, seen.watch(send))
                except Exception as exc:
                    sentry_sdk.capture_exception(exc)  # once, here
                    if seen.status:  # the answer had started: nothing to add
                        raise
                    # A JSON 500 on a connection that stays usable (issue 16 #5).
                    await error_response("internal_error", 500)(
                        scope, receive, seen.watch(send)
                    )
        finally:
            structlog.contextvars.clear_contextvars()
            self.access.finish(scope, seen.status, started, every=self.log_every_call)


def serves(scope: Scope, serve_path: str) -> bool:
    """Is this request for the serve endpoint (`serve_path` without a trailing
    slash; the request's trailing slash is ignored)?"""
    if scope["type"] != "http":
        return False
    return (str(scope.get("path", "")).rstrip("/") or "/") == serve_path


def build_replay_store(runtime: Runtime) -> ReplayStore | None:
    """`INNGEST_REPLAY_CACHE`: off, per process, or shared through the database."""
    kind = runtime.settings.INNGEST_REPLAY_CACHE
    if kind == "memory":
        return SeenSignatures()
    if kind == "database":
        if runtime.engine.dialect.name != "postgresql":
            return DatabaseSeenSignatures(runtime.engine)
        engine = create_autocommit_engine(runtime.settings)
        runtime.extra_engines.append(engine)  # disposed with the runtime
        return DatabaseSeenSignatures(engine)
    return None


def build_serve_app(runtime: Runtime) -> ServeEdge:
    settings = runtime.settings
    endpoint = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    register_error_handlers(endpoint)
    inngest.fast_api.serve(
        endpoint,
        runtime.inngest_client,
        runtime.functions,
        serve_origin=settings.INNGEST_SERVE_ORIGIN,
        serve_path=settings.INNGEST_SERVE_PATH,
        # Production: an unsigned sync PUT is refused (the SDK allows it by default).
        enable_unauthed_sync=False if settings.is_production else None,
    )
    capped = BodyCap(endpoint, max_body_bytes=settings.INNGEST_MAX_BODY_BYTES)
    guard = InngestServeGuard(
        capped,
        serve_path=settings.INNGEST_SERVE_PATH,
        verify_signatures=not settings.inngest_dev_mode,
        require_signed_sync=settings.is_production,
        tolerance_s=settings.INNGEST_SIGNATURE_TOLERANCE_S,
        replay_store=build_replay_store(runtime),
    )
    hosts = TrustedHostMiddleware(guard, allowed_hosts=settings.allowed_hosts)
    return ServeEdge(hosts, guard, endpoint, log_every_call=settings.LOG_INNGEST_ACCESS)
