"""Access lines: written by the app, uvicorn's own access logger off."""

from __future__ import annotations

import logging

import httpx
import pytest
import sentry_sdk
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.core.access_log import AccessLog
from app.core.config import Settings
from app.core.logging import configure_logging
from tests.core.test_logging import json_lines
from tests.support.sentry_capture import CapturingTransport


async def ok(request: Request) -> Response:
    return PlainTextResponse("ok")


async def missing(request: Request) -> Response:
    return PlainTextResponse("no", status_code=404)


ROUTES = Starlette(
    routes=[Route("/ok", ok), Route("/missing", missing, methods=["POST"])]
)


def client(app: AccessLog) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4321))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def json_logs() -> None:
    """JSON lines to the stderr capsys captures (configured inside the test,
    once capsys has replaced it)."""
    configure_logging(Settings(_env_file=None, LOG_FORMAT="json"))


def access_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    lines = json_lines(capsys.readouterr().err)
    return [line for line in lines if line["event"] == "http.request"]


async def test_every_request_gets_one_line_without_its_query(
    capsys: pytest.CaptureFixture[str],
) -> None:
    json_logs()
    async with client(AccessLog(ROUTES, every=True)) as c:
        with structlog.contextvars.bound_contextvars(request_id="req-7"):
            await c.get("/ok?email=ann@example.com&code=secret-code")
    [line] = access_lines(capsys)
    assert line["method"] == "GET"
    assert line["path"] == "/ok"
    assert line["status"] == 200
    assert line["http_version"] == "1.1"
    assert line["client"] == "203.0.113.9"  # the host, not the port
    assert line["request_id"] == "req-7"  # from the log context
    assert line["logger"] == "app.access"
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert "query" not in line
    assert "ann@example.com" not in str(line)
    assert "secret-code" not in str(line)


async def test_only_failures_when_not_every_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    json_logs()
    async with client(AccessLog(ROUTES, every=False, with_query=True)) as c:
        assert (await c.get("/ok?fnId=app-fn")).status_code == 200
        assert (await c.post("/missing?fnId=app-fn&stepId=step")).status_code == 404
    [line] = access_lines(capsys)
    assert (line["method"], line["path"], line["status"]) == ("POST", "/missing", 404)
    assert line["query"] == "fnId=app-fn&stepId=step"


async def test_an_exception_is_logged_as_a_500_and_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    json_logs()

    async def raising(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("route_crashed")  # before any response started

    with pytest.raises(RuntimeError, match="route_crashed"):
        await AccessLog(raising, every=False)(
            {"type": "http", "method": "GET", "path": "/crash", "headers": []},
            _receive,
            _send,
        )
    [line] = access_lines(capsys)
    assert (line["path"], line["status"]) == ("/crash", 500)


async def test_no_line_when_no_response_started(
    capsys: pytest.CaptureFixture[str],
) -> None:
    json_logs()

    async def gone(scope: Scope, receive: Receive, send: Send) -> None:
        return None  # a client that disconnected: nothing was answered

    await AccessLog(gone, every=True)(
        {"type": "http", "method": "GET", "path": "/x", "headers": []},
        _receive,
        _send,
    )
    assert access_lines(capsys) == []


async def test_non_http_scopes_pass_through_unlogged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    json_logs()
    seen: list[str] = []

    async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    await AccessLog(lifespan, every=True)({"type": "lifespan"}, _receive, _send)
    assert seen == ["lifespan"]
    assert access_lines(capsys) == []


async def test_access_lines_are_not_breadcrumbs(
    sentry_capture: CapturingTransport,
) -> None:
    json_logs()
    async with client(AccessLog(ROUTES, every=True)) as c:
        await c.get("/ok")
    sentry_sdk.capture_message("after a request")
    [event] = sentry_capture.events
    crumbs = event.get("breadcrumbs", {}).get("values", [])
    assert [c for c in crumbs if c.get("category") == "app.access"] == []


def test_uvicorn_access_logger_is_off_after_configuration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    access = logging.getLogger("uvicorn.access")
    access.disabled = False  # as uvicorn's own configuration leaves it
    configure_logging(Settings(_env_file=None, LOG_FORMAT="json"))
    assert not access.isEnabledFor(logging.INFO)
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/x", "1.1", 200)
    assert json_lines(capsys.readouterr().err) == []


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: object) -> None:
    return None
