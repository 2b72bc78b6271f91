"""InFlight: the count of requests being served, and waiting for none."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from starlette.types import Receive, Scope, Send

from app.core.config import Settings
from app.core.in_flight import InFlight
from app.main import ServiceApp, create_app


async def test_idle_at_once_when_nothing_is_in_flight() -> None:
    assert await InFlight().wait_idle(0.0)


async def test_waits_until_the_last_request_ends() -> None:
    in_flight = InFlight()
    in_flight.started()
    in_flight.started()
    waiter = asyncio.create_task(in_flight.wait_idle(30.0))
    in_flight.finished()
    await asyncio.sleep(0)
    assert not waiter.done()  # one still in flight
    in_flight.finished()
    assert await waiter
    assert in_flight.count == 0


async def test_gives_up_after_max_wait() -> None:
    in_flight = InFlight()
    in_flight.started()
    assert not await in_flight.wait_idle(0.01)  # bounded: never stuck
    in_flight.finished()
    assert in_flight.count == 0
    assert await in_flight.wait_idle(0.0)


@pytest.mark.db
async def test_the_app_counts_a_failed_request_out(
    settings_factory: Callable[..., Settings],
) -> None:
    app = create_app(settings_factory())
    assert isinstance(app, ServiceApp)

    async def crashing(scope: Scope, receive: Receive, send: Send) -> None:
        assert app.in_flight is not None
        assert app.in_flight.count == 1
        raise RuntimeError("the request failed")

    app.serve_app = crashing  # type: ignore[assignment]
    scope: Scope = {"type": "http", "method": "POST", "path": "/api/inngest"}
    with pytest.raises(RuntimeError, match="the request failed"):
        await app(scope, _receive, _send)
    assert app.in_flight is not None
    assert app.in_flight.count == 0
    assert await app.in_flight.wait_idle(0.0)


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: object) -> None:
    return None
