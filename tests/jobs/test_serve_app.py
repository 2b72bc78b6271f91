"""/api/inngest as its own small app: routing, Sentry scope, log context."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import sentry_sdk
import structlog
from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

from app.core.config import Settings
from app.jobs.replay_cache import SeenSignatures
from app.jobs.serve_app import ServeEdge, serves
from app.jobs.serve_guard import InngestServeGuard
from app.main import create_app
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve


def http_scope(path: str) -> Scope:
    return {"type": "http", "method": "GET", "path": path, "headers": []}


def test_serves_only_http_requests_for_the_serve_path() -> None:
    assert serves(http_scope("/api/inngest"), "/api/inngest")
    assert serves(http_scope("/api/inngest/"), "/api/inngest")
    assert not serves(http_scope("/api/inngestx"), "/api/inngest")
    assert not serves(http_scope("/api/v1/me"), "/api/inngest")
    assert not serves({"type": "lifespan"}, "/api/inngest")


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: object) -> None:
    return None


def _edge(inner: Callable[[Scope, Receive, Send], object]) -> ServeEdge:
    guard = InngestServeGuard(
        inner,  # type: ignore[arg-type]
        serve_path="/api/inngest",
        verify_signatures=False,
        require_signed_sync=False,
        tolerance_s=300,
        replay_store=None,
    )
    return ServeEdge(guard, guard, inner)  # type: ignore[arg-type]


async def test_an_escaping_exception_is_reported_once_and_answered_500(
    sentry_capture: CapturingTransport,
) -> None:
    """Issue 16 #5: a JSON 500 instead of a re-raise (which closed the socket)."""

    async def crashing(scope: Scope, receive: Receive, send: Send) -> None:
        sentry_sdk.get_isolation_scope().set_tag("inngest.function_id", "probe")
        raise RuntimeError("endpoint_crashed")

    sent: list[Message] = []

    async def record(message: Message) -> None:
        sent.append(message)

    await _edge(crashing)(http_scope("/api/inngest"), _receive, record)
    assert sent[0]["status"] == 500
    assert json.loads(sent[1]["body"])["code"] == "internal_error"
    [event] = sentry_capture.events
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    assert event["tags"]["inngest.function_id"] == "probe"


async def test_an_exception_after_the_answer_started_is_reported_and_raised(
    sentry_capture: CapturingTransport,
) -> None:
    async def half(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("endpoint_crashed")

    with pytest.raises(RuntimeError, match="endpoint_crashed"):
        await _edge(half)(http_scope("/api/inngest"), _receive, _send)
    assert len(sentry_capture.events) == 1


async def test_each_call_has_its_own_sentry_scope_and_log_context(
    sentry_capture: CapturingTransport,
) -> None:
    seen: list[dict[str, object]] = []

    async def tagging(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(dict(structlog.contextvars.get_contextvars()))
        structlog.contextvars.bind_contextvars(run_id="run-1")
        sentry_sdk.get_isolation_scope().set_tag("inngest.run_id", "run-1")

    edge = _edge(tagging)
    await edge(http_scope("/api/inngest"), _receive, _send)
    await edge(http_scope("/api/inngest"), _receive, _send)
    assert seen == [{}, {}]  # nothing of the first call in the second
    assert structlog.contextvars.get_contextvars() == {}
    sentry_sdk.capture_message("outside any call")
    [event] = sentry_capture.events
    assert "inngest.run_id" not in event.get("tags", {})


@pytest.fixture
async def client(
    settings_factory: Callable[..., Settings],
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings_factory())
    async with serve(app) as server, httpx.AsyncClient(base_url=server.url) as c:
        yield c


@pytest.mark.db
async def test_the_serve_path_skips_the_api_middleware(
    client: httpx.AsyncClient,
) -> None:
    api = await client.get("/healthz", headers={"x-request-id": "req-1"})
    assert api.headers["x-request-id"] == "req-1"  # the API's request context
    inngest = await client.get("/api/inngest", headers={"x-request-id": "req-1"})
    assert inngest.status_code == 200
    assert inngest.json()["mode"] == "dev"
    assert "x-request-id" not in inngest.headers
    # The API's OpenAPI schema no longer lists the SDK's routes.
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/api/inngest" not in paths


@pytest.mark.db
async def test_access_lines_for_api_requests_and_failed_serve_calls_only(
    settings_factory: Callable[..., Settings],
) -> None:
    app: FastAPI = create_app(settings_factory(LOG_FORMAT="json"))
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logging.getLogger().addHandler(handler)
    try:
        async with serve(app) as server, httpx.AsyncClient(base_url=server.url) as c:
            await c.get("/healthz", headers={"x-request-id": "req-9"})
            assert (await c.get("/api/inngest")).status_code == 200
            failed = await c.post("/api/inngest?fnId=no-such-fn&stepId=step")
    finally:
        logging.getLogger().removeHandler(handler)
    assert failed.status_code >= 400
    lines = [
        json.loads(line)
        for line in buffer.getvalue().splitlines()
        if '"http.request"' in line
    ]
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/healthz", 200),
        ("/api/inngest", failed.status_code),
    ]
    assert lines[0]["request_id"] == "req-9"
    assert lines[1]["query"] == "fnId=no-such-fn&stepId=step"
    assert "request_id" not in lines[1]


def _signed_scope() -> Scope:
    signature = f"t={int(time.time())}&s={'ab' * 32}".encode()
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/inngest",
        "query_string": b"fnId=app-fn&stepId=step",
        "headers": [(b"x-inngest-signature", signature)],
    }


@pytest.mark.parametrize("under_edge", [True, False])
async def test_a_signature_the_sdk_refuses_is_forgotten(under_edge: bool) -> None:
    """Under the edge the guard reads the answer's status from the scope;
    on its own it watches the answer itself. Either way a 401 from below
    frees the signature, and a 200 keeps it."""
    answers = [401, 200]

    async def sdk(scope: Scope, receive: Receive, send: Send) -> None:
        status = answers.pop(0)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guard = InngestServeGuard(
        sdk,
        serve_path="/api/inngest",
        verify_signatures=True,
        require_signed_sync=False,
        tolerance_s=300,
        replay_store=SeenSignatures(),
    )
    app = ServeEdge(guard, guard, sdk) if under_edge else guard
    statuses: list[int] = []

    async def record(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = _signed_scope()
    for _ in range(3):  # refused by the SDK, then accepted, then a replay
        await app(dict(scope), _receive, record)
    assert statuses == [401, 200, 401]
    assert isinstance(guard.seen, SeenSignatures)
    assert len(guard.seen) == 1
