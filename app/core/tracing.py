"""Optional OpenTelemetry traces: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

Spans: the API request (`TracingMiddleware`, named by method and route
template), `dispatch`, the relay's `relay.send` (linked to each event's
request), each worker run (`job.run`) and each step (`job.step`). The trace
context travels with the event as its W3C `traceparent` only (ids, no
values), under `TRACE_KEY` in the event's data, so a run links to the
request that caused it in either mode: inline runs are children of the
request's span; under Inngest the run's span takes the event's context as
its parent. `PlatformEvent.from_inngest` drops the key before validation.

Off, `tracer()` is OpenTelemetry's no-op tracer and nothing is added to any
event. Attributes are ids and codes only (function id, run id, event name,
route template, status), never a value from a request or an event.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings

TRACE_KEY = "_trace"
_propagator = TraceContextTextMapPropagator()
_noop = trace.NoOpTracer()
_tracer: trace.Tracer | None = None


def configure_tracing(settings: Settings, exporter: Any = None) -> bool:
    """Set up the process's tracer (True) or turn tracing off (False).

    `exporter`: a span exporter instead of OTLP (tests: the SDK's in-memory
    exporter, spans handed over at once)."""
    global _tracer
    endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT
    if exporter is None and not endpoint:
        _tracer = None
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SimpleSpanProcessor,
    )

    resource = Resource.create(
        {
            "service.name": settings.APP_ID,
            "service.version": settings.APP_VERSION or "dev",
        }
    )
    provider = TracerProvider(resource=resource)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint)))
    _tracer = provider.get_tracer("gym-jobs")
    return True


def enabled() -> bool:
    return _tracer is not None


def tracer() -> trace.Tracer:
    return _tracer or _noop


def carrier() -> dict[str, str] | None:
    """The current span's context as `{"traceparent": ...}`, or None (off,
    or no span)."""
    if _tracer is None:
        return None
    found: dict[str, str] = {}
    _propagator.inject(found)
    return found or None


def context_of(data: object) -> otel_context.Context | None:
    """The context an event's data carries under `TRACE_KEY`, if any."""
    if _tracer is None or not isinstance(data, Mapping):
        return None
    found = data.get(TRACE_KEY)
    if not isinstance(found, Mapping):
        return None
    headers = {
        k: str(v) for k, v in found.items() if k in ("traceparent", "tracestate")
    }
    return _propagator.extract(headers) if headers else None


def link_of(data: object) -> trace.Link | None:
    ctx = context_of(data)
    if ctx is None:
        return None
    span_context = trace.get_current_span(ctx).get_span_context()
    return trace.Link(span_context) if span_context.is_valid else None


def without_trace(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != TRACE_KEY}


class TracingMiddleware:
    """A server span per API request, child of an incoming `traceparent`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _tracer is None:
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in scope.get("headers") or []
            if k in (b"traceparent", b"tracestate")
        }
        parent = _propagator.extract(headers) if headers else None
        method = str(scope.get("method", ""))
        status = 500
        started = time.time_ns()

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with _tracer.start_as_current_span(
            f"{method} request",
            context=parent,
            kind=trace.SpanKind.SERVER,
            start_time=started,
            attributes={"http.request.method": method},
        ) as span:
            try:
                await self.app(scope, receive, watch)
            finally:
                route = getattr(scope.get("route"), "path", None)
                if isinstance(route, str):
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(trace.StatusCode.ERROR)


def add_tracing(app: Any) -> None:
    """The request spans, when tracing is on (`configure_tracing`)."""
    if _tracer is not None:
        app.add_middleware(TracingMiddleware)
