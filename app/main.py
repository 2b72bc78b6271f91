"""`create_app()`: logging and Sentry first, then the app, routes and /api/inngest.

Run with `uvicorn app.main:create_app --factory`. In production an unsafe
configuration is refused before anything is built (app/core/startup_guards.py).

`/api/inngest` is its own small app (app/jobs/serve_app.py), handed its
requests before the API's middleware and Sentry's request instrumentation:
Inngest calls it once per step, so it carries only what a call needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI
from sentry_sdk.integrations.asgi import SentryAsgiMiddleware
from sentry_sdk.transport import Transport
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.idempotency import IdempotencyKeys
from app.api.router import api_router
from app.core.access_log import AccessLog
from app.core.config import Settings
from app.core.context import RequestContextMiddleware
from app.core.errors import register_error_handlers
from app.core.gc_tuning import freeze_startup_heap, set_young_threshold
from app.core.in_flight import InFlight
from app.core.logging import configure_logging, get_logger
from app.core.metrics_http import add_metrics
from app.core.sentry import configure_sentry
from app.core.shutdown import install_sigterm_drain
from app.core.slow_clients import BodyDeadline
from app.core.startup_guards import enforce_startup_guards, load_settings
from app.core.tracing import add_tracing, configure_tracing
from app.core.unexpected_errors import UnexpectedErrors
from app.jobs.inline_limits import inline_limits
from app.jobs.registry import WorkerRegistry, load_workers
from app.jobs.scheduler import InlineScheduler
from app.jobs.serve_app import ServeEdge, build_serve_app, serves
from app.runtime import Runtime, build_runtime

log = get_logger("app")
RELAY_STOP_TIMEOUT_S = 10.0


class ServiceApp(FastAPI):
    """The API app; requests for `/api/inngest` go to the serve app instead."""

    serve_path = ""
    serve_app: ServeEdge | None = None
    in_flight: InFlight | None = None

    def __init__(self, *, body_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Every request's body, /api/inngest included (app/core/slow_clients.py).
        self._bounded: ASGIApp = BodyDeadline(self._route, body_timeout_s)
        # Sentry's Starlette/FastAPI integrations are off (they would wrap
        # /api/inngest too, at a cost on every step); the API gets the ASGI one.
        self._api_entry: ASGIApp = SentryAsgiMiddleware(
            self._api, transaction_style="endpoint", asgi_version=3
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.in_flight is None:
            await self._bounded(scope, receive, send)
            return
        # The in-process relay yields to requests in flight (no generator-based
        # context manager here: this runs on every call of every step).
        self.in_flight.started()
        try:
            await self._bounded(scope, receive, send)
        finally:
            self.in_flight.finished()

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.serve_app is not None and serves(scope, self.serve_path):
            await self.serve_app(scope, receive, send)
        else:
            await self._api_entry(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    registry: WorkerRegistry | None = None,
    sentry_transport: Transport | None = None,
    span_exporter: Any = None,
) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings)
    registry = registry if registry is not None else load_workers()
    enforce_startup_guards(
        settings, cron_function_ids=[w.fn_id for w in registry.workers if w.cron]
    )
    configure_sentry(settings, transport=sentry_transport)
    configure_tracing(settings, span_exporter)
    runtime = build_runtime(settings, registry)

    app = ServiceApp(
        title="Gym platform background jobs",
        version=settings.APP_VERSION or "dev",
        lifespan=_lifespan(runtime),
        max_body_size=settings.MAX_BODY_BYTES,
        body_timeout_s=settings.HTTP_BODY_TIMEOUT_S,
        # API_DOCS: off in production unless turned on.
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.runtime = runtime
    app.state.shutting_down = False
    _add_middleware(app, settings)
    add_metrics(app, settings)
    add_tracing(app)
    register_error_handlers(app)
    app.include_router(api_router)
    app.serve_path = settings.INNGEST_SERVE_PATH.rstrip("/") or "/"
    app.serve_app = build_serve_app(runtime)
    app.in_flight = runtime.in_flight
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """Outermost last: request context → access line → trusted hosts →
    unexpected errors (JSON 500 / 503, app/core/unexpected_errors.py) →
    Idempotency-Key (app/api/idempotency.py)."""
    app.add_middleware(IdempotencyKeys)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(AccessLog, every=settings.LOG_ACCESS)
    app.add_middleware(RequestContextMiddleware)


async def _wait_for_relay(task: asyncio.Task[None]) -> None:
    try:
        await asyncio.wait_for(task, RELAY_STOP_TIMEOUT_S)
    except (TimeoutError, asyncio.CancelledError):
        pass
    except Exception as exc:  # noqa: BLE001 - shutdown goes on
        log.warning("relay.stop_failed", error=type(exc).__name__)


def _lifespan(
    runtime: Runtime,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = runtime.settings
        relay_task: asyncio.Task[None] | None = None
        if settings.INNGEST_ENABLED and settings.OUTBOX_RELAY_IN_PROCESS:
            relay_task = asyncio.create_task(runtime.relay.run_forever())
        scheduler: InlineScheduler | None = None
        scheduler_task: asyncio.Task[None] | None = None
        if runtime.inline_runner is not None and settings.INLINE_SCHEDULER:
            scheduler = InlineScheduler(runtime, runtime.inline_runner)
            scheduler_task = asyncio.create_task(scheduler.run_forever())

        def drain() -> None:
            app.state.shutting_down = True

        restore_sigterm = install_sigterm_drain(drain, settings.SHUTDOWN_DRAIN_S)
        young = gc.get_threshold()[0]
        if settings.GC_YOUNG_THRESHOLD:
            young = set_young_threshold(settings.GC_YOUNG_THRESHOLD)
        frozen = freeze_startup_heap() if settings.GC_FREEZE_AT_STARTUP else 0
        log.info(
            "app.started",
            env=settings.APP_ENV.value,
            mode="inngest" if settings.INNGEST_ENABLED else "inline",
            inngest_dev=settings.inngest_dev_mode,
            functions=len(runtime.functions),
            gc_frozen=frozen,
            gc_young_threshold=young,
        )
        if runtime.inline_runner is not None:
            log.info(
                "inline.mode",
                **inline_limits(runtime.registry, scheduler_on=scheduler is not None),
            )
        try:
            yield
        finally:
            app.state.shutting_down = True
            restore_sigterm()
            try:
                if scheduler is not None and scheduler_task is not None:
                    scheduler.stop()
                    with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                        await asyncio.wait_for(scheduler_task, RELAY_STOP_TIMEOUT_S)
                if runtime.inline_runner is not None:
                    await runtime.inline_runner.drain(RELAY_STOP_TIMEOUT_S)
                if relay_task is not None:
                    runtime.relay.stop()
                    await _wait_for_relay(relay_task)
            finally:
                await runtime.dispose()  # even when the database is gone
                log.info("app.stopped")

    return lifespan
