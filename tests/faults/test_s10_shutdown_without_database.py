"""S10 (issue 16 #12): the database goes away while the app runs; shutdown
still completes and disposes the engines (it used to fail with
"Application shutdown failed", leaving the pool to the interpreter's exit).

PostgreSQL only: the app reaches it through a loopback TCP relay that the
test closes (SQLite has no connection to lose).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Callable

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.main import create_app
from tests.fakes.event_api import TEST_EVENT_KEY
from tests.support.serving import LoopbackServer

pytestmark = pytest.mark.db


class TcpRelay:
    """Forwards loopback connections to a target until `cut()`."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        self._writers += [writer, up_writer]
        await asyncio.gather(
            self._pipe(reader, up_writer),
            self._pipe(up_reader, writer),
            return_exceptions=True,
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()


async def test_shutdown_disposes_everything_when_the_database_is_gone(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no connection to lose")
    url = make_url(database_url)
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    await relay.start()
    settings = settings_factory(
        DATABASE_URL=url.set(host="127.0.0.1", port=relay.port).render_as_string(
            hide_password=False
        ),
        INNGEST_ENABLED=True,
        INNGEST_EVENT_KEY=TEST_EVENT_KEY,
        INNGEST_EVENT_API_BASE_URL="http://127.0.0.1:9",
        INNGEST_API_BASE_URL="http://127.0.0.1:9",
        DATABASE_PING_TIMEOUT_S=1.0,
        LOG_FORMAT="json",
    )
    app = create_app(settings)
    runtime = app.state.runtime
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    server = LoopbackServer(app)
    try:
        await server.start()
        await asyncio.sleep(0.3)  # the relay has run a cycle through the relay
        await relay.cut()
        await server.stop()
    finally:
        logging.getLogger().removeHandler(handler)
    output = buffer.getvalue()
    assert "Application shutdown failed" not in output
    assert '"app.stopped"' in output
    assert runtime.engine.pool.checkedout() == 0
    assert runtime.engine.pool.checkedin() == 0  # disposed: no pooled connection
