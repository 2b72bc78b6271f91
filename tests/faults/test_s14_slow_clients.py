"""S14 (issue 16 #9): slow clients. Connections that send their headers byte
by byte, or nothing, are closed once `HTTP_HEADER_TIMEOUT_S` has passed; a
body that trickles in is answered 408 once `HTTP_BODY_TIMEOUT_S` has passed.
Bounds are relative to those settings; a normal request still works.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import httpx
import pytest

from app.core import slow_clients
from app.core.config import Settings
from app.main import create_app
from tests.support.serving import LoopbackServer

pytestmark = pytest.mark.db
TIMEOUT_S = 0.5
SLOW_CLIENTS = 20
# Closed within this many timeouts (scheduling on a shared 2-core machine).
SLACK = 6


async def slow_headers(port: int, *, send_nothing: bool = False) -> float:
    """Seconds until the server closes a connection that dribbles its headers."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: " + b"a" * 200
    try:
        async with asyncio.timeout(TIMEOUT_S * SLACK * 2):
            for byte in (
                []
                if send_nothing
                else [request[i : i + 1] for i in range(len(request))]
            ):
                writer.write(byte)
                await writer.drain()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.05):
                        if await reader.read(1) == b"":
                            return time.perf_counter() - started
            await reader.read()  # wait for the close
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
    return time.perf_counter() - started


async def slow_body(port: int) -> tuple[bytes, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        b"POST /api/v1/check-ins HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        b"content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"
    )
    writer.write(head)
    await writer.drain()
    answer = b""
    try:
        async with asyncio.timeout(TIMEOUT_S * SLACK * 2):
            while True:
                writer.write(b" ")
                await writer.drain()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.1):
                        chunk = await reader.read(4096)
                        if not chunk:
                            break
                        answer += chunk
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
    return answer, time.perf_counter() - started


def served(settings: Settings) -> LoopbackServer:
    protocol = slow_clients.protocol_for(settings.HTTP_HEADER_TIMEOUT_S)
    return LoopbackServer(create_app(settings), http=protocol)


async def test_slow_headers_and_bodies_are_cut_after_their_timeouts(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(
        HTTP_HEADER_TIMEOUT_S=TIMEOUT_S, HTTP_BODY_TIMEOUT_S=TIMEOUT_S
    )
    server = served(settings)
    await server.start()
    try:
        held = await asyncio.gather(
            *(slow_headers(server.port) for _ in range(SLOW_CLIENTS)),
            slow_headers(server.port, send_nothing=True),
        )
        answer, body_s = await slow_body(server.port)
        async with httpx.AsyncClient(base_url=server.url) as client:
            normal = await client.get("/healthz")
    finally:
        await server.stop()
    assert max(held) < TIMEOUT_S * SLACK, held
    assert min(held) >= TIMEOUT_S * 0.9  # not before the timeout
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert TIMEOUT_S * 0.9 <= body_s < TIMEOUT_S * SLACK
    assert normal.status_code == 200
