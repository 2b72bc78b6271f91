"""S13 (issue 16 #5): an unexpected error in a route answers a JSON 500
`{code, detail, request_id}` on a connection that stays usable, reported to
Sentry once; a database that cannot be reached answers 503 with Retry-After
and a log line saying why, on the API and on `/readyz`.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.main import create_app
from bench.rawhttp import Connection
from tests.faults.harness import free_port
from tests.support.api_world import build_world
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve

pytestmark = pytest.mark.db


def add_crashing_route(app: FastAPI) -> None:
    @app.get("/crash")
    async def crash() -> dict[str, str]:
        raise RuntimeError("route_crashed")


async def test_an_unexpected_error_is_a_json_500_and_the_connection_stays(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    app = create_app(settings_factory())
    add_crashing_route(app)
    async with serve(app) as server, Connection("127.0.0.1", server.port) as conn:
        crashed = await conn.request("GET", "/crash")
        closed_by_server = crashed.headers.get("connection", "").lower() == "close"
        after = await conn.request("GET", "/healthz")  # same socket, unless closed
    assert crashed.status == 500
    assert crashed.headers["content-type"] == "application/json"
    assert json.loads(crashed.body) == {
        "code": "internal_error",
        "detail": "internal_error",
        "request_id": crashed.headers["x-request-id"],
    }
    assert not closed_by_server
    assert after.status == 200
    reported = [
        e
        for e in sentry_capture.events
        if e.get("exception", {}).get("values", [{}])[-1].get("type") == "RuntimeError"
    ]
    assert len(reported) == 1


def unreachable_url(database_url: str) -> str:
    if database_url.startswith("postgresql"):
        return f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test"
    return "sqlite+aiosqlite:////nonexistent-gym-jobs-dir/nothing/here.db"


async def test_an_unreachable_database_is_a_503_with_retry_after_and_a_reason(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    database_url: str,
    sentry_capture: CapturingTransport,
) -> None:
    world = await build_world(engine, settings_factory())
    settings = settings_factory(
        DATABASE_URL=unreachable_url(database_url),
        DATABASE_PING_TIMEOUT_S=1.0,
        LOG_FORMAT="json",
    )
    app = create_app(settings)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    try:
        async with serve(app) as server, Connection("127.0.0.1", server.port) as conn:
            api = await conn.request(
                "GET", "/api/v1/alerts", headers=world.auth("cara")
            )
            ready = await conn.request("GET", "/readyz")
            after = await conn.request("GET", "/healthz")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert (api.status, ready.status, after.status) == (503, 503, 200)
    body = json.loads(api.body)
    assert body["code"] == "database_unavailable"
    assert body["request_id"] == api.headers["x-request-id"]
    assert int(api.headers["retry-after"]) > 0
    assert int(ready.headers["retry-after"]) > 0
    why = [line for line in lines if line["event"] == "database.unavailable"]
    assert {line["where"] for line in why} == {"request", "readyz"}
    assert all(line["reason"] for line in why)
    assert sentry_capture.events == []  # an outage, not a bug: logged, not paged
