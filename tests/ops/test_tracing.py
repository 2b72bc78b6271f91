"""OpenTelemetry traces with the SDK's in-memory exporter: a request, its
dispatch, the relay's send, the run and its step share one trace in either
mode; the event carries the trace context as ids only; off by default."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core import tracing
from app.core.config import Settings
from app.db.models import OutboxEvent
from app.db.session import create_sessionmaker
from tests.fakes.event_api import FakeEventApi
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.inngest_server import InngestServer, RunStatus
from tests.support import waiting
from tests.support.inngest_app import inngest_settings
from tests.support.serving import LoopbackServer, serve
from tests.support.settings import relay_settings

pytestmark = pytest.mark.db
FN = "probe-record"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    try:
        yield exporter
    finally:
        tracing.configure_tracing(Settings(_env_file=None))  # off again


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def parent_id(span: ReadableSpan) -> int | None:
    return None if span.parent is None else span.parent.span_id


async def test_an_inline_run_is_a_child_of_its_request(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    spans: InMemorySpanExporter,
) -> None:
    settings = settings_factory()
    app = build_probe_app(settings, ProbeWorker(), span_exporter=spans)
    async with (
        serve(app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        posted = await client.post("/probe", json={})
    assert posted.status_code == 201
    [request] = named(spans, "POST /probe")
    [dispatch] = named(spans, "dispatch")
    [run] = named(spans, "job.run")
    [step] = named(spans, "job.step")
    trace_id = request.context.trace_id
    assert {s.context.trace_id for s in (dispatch, run, step)} == {trace_id}
    assert parent_id(dispatch) == request.context.span_id
    assert parent_id(run) == request.context.span_id
    assert parent_id(step) == run.context.span_id
    assert run.attributes is not None
    assert run.attributes["job.function_id"] == FN
    assert run.attributes["job.mode"] == "inline"
    assert request.attributes is not None
    assert request.attributes["http.route"] == "/probe"
    assert request.attributes["http.response.status_code"] == 201


async def test_an_inngest_run_links_to_its_request_through_the_event(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    spans: InMemorySpanExporter,
) -> None:
    worker = ProbeWorker()
    async with InngestServer(mode="cloud") as server:
        settings = inngest_settings(settings_factory, server)
        app = build_probe_app(settings, worker, span_exporter=spans)
        async with server.attach(app) as url:
            base = url.removesuffix("/api/inngest")
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
                posted = await client.post(
                    "/probe", json={}, headers={"traceparent": incoming}
                )
            [run] = await server.wait_for_runs(FN, timeout=20)

            async def sent() -> bool:
                return bool(named(spans, "relay.send"))

            await waiting.eventually(sent, "the relay's span", timeout=20)
        events = [
            e.data for e in server.events if e.name == "platform/scoring.probe-recorded"
        ]
    assert posted.status_code == 201
    assert run.status == RunStatus.COMPLETED
    [request] = named(spans, "POST /probe")
    trace_id = request.context.trace_id
    assert trace_id == int("0af7651916cd43dd8448eb211c80319c", 16)  # the caller's
    runs = named(spans, "job.run")
    assert runs  # one per call of the run (a step, then the end)
    assert {s.context.trace_id for s in runs} == {trace_id}
    assert all(s.attributes and s.attributes["job.mode"] == "inngest" for s in runs)
    [relay] = named(spans, "relay.send")[:1]
    assert [link.context.trace_id for link in relay.links] == [trace_id]
    steps = named(spans, "job.step")
    assert steps
    assert {s.context.trace_id for s in steps} == {trace_id}
    # The event carries the context as a traceparent: ids only.
    [data] = events
    assert set(data[tracing.TRACE_KEY]) == {"traceparent"}
    assert data[tracing.TRACE_KEY]["traceparent"].split("-")[1] == (
        "0af7651916cd43dd8448eb211c80319c"
    )
    assert worker.calls  # the payload validated without the trace key


async def test_tracing_is_off_by_default_and_events_carry_nothing(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    app_settings = relay_settings(settings_factory, event_api[1].url)
    app = build_probe_app(app_settings, ProbeWorker())
    assert tracing.enabled() is False
    async with (
        serve(app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        posted = await client.post("/probe", json={})
    assert posted.status_code == 201
    async with create_sessionmaker(engine)() as session:
        [row] = (await session.scalars(select(OutboxEvent))).all()
    assert tracing.TRACE_KEY not in row.payload
