"""Exposing the metrics, and the API's request metrics.

- `HttpMetrics`: a pure ASGI middleware around the API (not `/api/inngest`,
  which counts its calls by function and outcome, app/jobs/serve_app.py):
  one counter and one histogram per request, labelled by the matched route's
  template (`/api/v1/members/{member_id}`), never the raw path.
- `/metrics` on the API port: served in development and test; in production
  only with `METRICS_TOKEN` (a bearer token), else 404, so the public API
  never shows it. `METRICS_PORT` serves it on a port of its own instead (the
  one to expose to Prometheus only, e.g. a pod port outside the Service).
- With `PROMETHEUS_MULTIPROC_DIR` set (several uvicorn workers), every
  exposition merges all workers' files.
"""

from __future__ import annotations

import hmac
import os
import time

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import metrics
from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger("app.metrics")
METRICS_PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def exposition_registry() -> CollectorRegistry:
    """The default registry, or a fresh one merging the workers' files."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def render() -> bytes:
    return generate_latest(exposition_registry())


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else metrics.UNMATCHED_ROUTE


class HttpMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers for an exception

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            route = _route_of(scope)
            method = str(scope.get("method", ""))
            metrics.http_requests.labels(route, method, str(status)).inc()
            metrics.http_request_duration.labels(route, method).observe(
                time.perf_counter() - started
            )


def _authorized(request: Request, settings: Settings) -> bool:
    token = settings.METRICS_TOKEN
    if token is None:
        return not settings.is_production
    given = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    return hmac.compare_digest(given.encode(), expected.encode())


def add_metrics(app: FastAPI, settings: Settings) -> None:
    """Request metrics, `/metrics`, and `METRICS_PORT` when set (see the
    module's notes)."""
    if not settings.METRICS_ENABLED:
        return
    app.add_middleware(HttpMetrics)
    start_metrics_port(settings)
    if settings.is_production and not (settings.METRICS_TOKEN or settings.METRICS_PORT):
        log.warning(
            "metrics.not_exposed", hint="set METRICS_PORT (or METRICS_TOKEN) to scrape"
        )

    async def metrics_endpoint(request: Request) -> Response:
        if not _authorized(request, settings):
            if settings.METRICS_TOKEN is None:  # production, no token: not here
                return JSONResponse(
                    {"code": "not_found", "detail": "Not Found"}, status_code=404
                )
            return JSONResponse(
                {"code": "unauthorized", "detail": "metrics token required"},
                status_code=401,
            )
        return Response(render(), media_type=CONTENT_TYPE_LATEST)

    app.add_route(METRICS_PATH, metrics_endpoint, methods=["GET"])


def start_metrics_port(settings: Settings) -> bool:
    """Serve /metrics on `METRICS_PORT` (True if this process bound it).

    With several workers only the first binds; the others' metrics reach it
    through `PROMETHEUS_MULTIPROC_DIR`."""
    if not settings.METRICS_ENABLED or settings.METRICS_PORT is None:
        return False
    try:
        start_http_server(
            settings.METRICS_PORT,
            addr=settings.METRICS_HOST,
            registry=exposition_registry(),
        )
    except OSError as exc:
        log.info("metrics.port_taken", port=settings.METRICS_PORT, error=exc.errno)
        return False
    log.info("metrics.serving", port=settings.METRICS_PORT)
    return True
