"""`create_app()`: logging and Sentry first, then the app, routes and /api/inngest.

Run with `uvicorn app.main:create_app --factory`. In production an unsafe
configuration is refused before anything is built (app/core/startup_guards.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import cast

import inngest.fast_api
from fastapi import APIRouter, FastAPI
from sentry_sdk.transport import Transport
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.api.router import api_router
from app.core.config import Settings
from app.core.context import RequestContextMiddleware
from app.core.errors import register_error_handlers
from app.core.logging import configure_logging, get_logger
from app.core.sentry import configure_sentry
from app.core.shutdown import install_sigterm_drain
from app.core.startup_guards import enforce_startup_guards, load_settings
from app.jobs.registry import WorkerRegistry, load_workers
from app.jobs.serve_guard import InngestServeGuard
from app.runtime import Runtime, build_runtime

log = get_logger("app")
RELAY_STOP_TIMEOUT_S = 10.0


def create_app(
    settings: Settings | None = None,
    *,
    registry: WorkerRegistry | None = None,
    sentry_transport: Transport | None = None,
) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings)
    registry = registry if registry is not None else load_workers()
    enforce_startup_guards(
        settings, cron_function_ids=[w.fn_id for w in registry.workers if w.cron]
    )
    configure_sentry(settings, transport=sentry_transport)
    runtime = build_runtime(settings, registry)

    app = FastAPI(
        title="Gym platform background jobs",
        version=settings.APP_VERSION or "dev",
        lifespan=_lifespan(runtime),
        max_body_size=settings.MAX_BODY_BYTES,
    )
    app.state.runtime = runtime
    app.state.shutting_down = False
    _add_middleware(app, settings)
    register_error_handlers(app)
    app.include_router(api_router)
    app.include_router(_inngest_router(runtime))
    return app


def _inngest_router(runtime: Runtime) -> APIRouter:
    """/api/inngest on its own router: its body cap replaces the app-wide one.

    `serve()` only registers GET/POST/PUT handlers on what it is given, so an
    `APIRouter` works in place of the app.
    """
    settings = runtime.settings
    router = APIRouter(max_body_size=settings.INNGEST_MAX_BODY_BYTES)
    inngest.fast_api.serve(
        cast(FastAPI, router),
        runtime.inngest_client,
        runtime.functions,
        serve_origin=settings.INNGEST_SERVE_ORIGIN,
        serve_path=settings.INNGEST_SERVE_PATH,
        # Production: an unsigned sync PUT is refused (the SDK allows it by default).
        enable_unauthed_sync=False if settings.is_production else None,
    )
    return router


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """Outermost last: request context → trusted hosts → /api/inngest guard."""
    app.add_middleware(
        InngestServeGuard,
        serve_path=settings.INNGEST_SERVE_PATH,
        verify_signatures=not settings.inngest_dev_mode,
        require_signed_sync=settings.is_production,
        tolerance_s=settings.INNGEST_SIGNATURE_TOLERANCE_S,
        replay_cache=settings.INNGEST_REPLAY_CACHE,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(RequestContextMiddleware)


def _lifespan(
    runtime: Runtime,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = runtime.settings
        relay_task: asyncio.Task[None] | None = None
        if settings.INNGEST_ENABLED and settings.OUTBOX_RELAY_IN_PROCESS:
            relay_task = asyncio.create_task(runtime.relay.run_forever())

        def drain() -> None:
            app.state.shutting_down = True

        restore_sigterm = install_sigterm_drain(drain, settings.SHUTDOWN_DRAIN_S)
        log.info(
            "app.started",
            env=settings.APP_ENV.value,
            mode="inngest" if settings.INNGEST_ENABLED else "inline",
            inngest_dev=settings.inngest_dev_mode,
            functions=len(runtime.functions),
        )
        try:
            yield
        finally:
            app.state.shutting_down = True
            restore_sigterm()
            if relay_task is not None:
                runtime.relay.stop()
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(relay_task, RELAY_STOP_TIMEOUT_S)
            await runtime.dispose()
            log.info("app.stopped")

    return lifespan
