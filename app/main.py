"""`create_app()`: logging and Sentry first, then the app, routes and /api/inngest.

Run with `uvicorn app.main:create_app --factory`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import inngest.fast_api
from fastapi import FastAPI
from sentry_sdk.transport import Transport

from app.api.router import api_router
from app.core.config import Settings, get_settings
from app.core.context import RequestContextMiddleware
from app.core.errors import register_error_handlers
from app.core.logging import configure_logging, get_logger
from app.core.sentry import configure_sentry
from app.jobs.registry import WorkerRegistry
from app.runtime import Runtime, build_runtime

log = get_logger("app")
MAX_BODY_BYTES = 5 * 1024 * 1024  # Inngest sends call requests up to ~4 MB
RELAY_STOP_TIMEOUT_S = 10.0


def create_app(
    settings: Settings | None = None,
    *,
    registry: WorkerRegistry | None = None,
    sentry_transport: Transport | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    configure_sentry(settings, transport=sentry_transport)
    runtime = build_runtime(settings, registry)

    app = FastAPI(
        title="Gym platform background jobs",
        version=settings.APP_VERSION or "dev",
        lifespan=_lifespan(runtime),
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.runtime = runtime
    app.state.shutting_down = False
    app.add_middleware(RequestContextMiddleware)
    register_error_handlers(app)
    app.include_router(api_router)
    inngest.fast_api.serve(
        app,
        runtime.inngest_client,
        runtime.functions,
        serve_origin=settings.INNGEST_SERVE_ORIGIN,
        serve_path=settings.INNGEST_SERVE_PATH,
    )
    return app


def _lifespan(
    runtime: Runtime,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = runtime.settings
        relay_task: asyncio.Task[None] | None = None
        if settings.INNGEST_ENABLED and settings.OUTBOX_RELAY_IN_PROCESS:
            relay_task = asyncio.create_task(runtime.relay.run_forever())
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
            if relay_task is not None:
                runtime.relay.stop()
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(relay_task, RELAY_STOP_TIMEOUT_S)
            await runtime.dispose()
            log.info("app.stopped")

    return lifespan
