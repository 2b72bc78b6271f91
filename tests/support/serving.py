"""Serve any ASGI app with uvicorn on 127.0.0.1 inside the current event loop.

`LoopbackServer` can be stopped and started again on the same port (to play an
API that goes away and comes back); `serve` and `serve_asgi` are the context
manager forms. Start-up and shutdown are bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import uvicorn

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


class _QuietServer(uvicorn.Server):
    """Leaves signal handling to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class LoopbackServer:
    def __init__(
        self,
        app: Any,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        lifespan: Literal["on", "off", "auto"] = "auto",
        http: Any = "auto",
    ) -> None:
        self._app = app
        self._http = http
        self._host = host
        self._lifespan = lifespan
        self.port = port
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self.port))
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self._app,
            lifespan=self._lifespan,
            http=self._http,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        server = _QuietServer(config)
        self._server, self._sock = server, sock

        async def run() -> None:
            try:
                await server.serve(sockets=[sock])
            except SystemExit as err:  # uvicorn exits when the lifespan fails
                raise RuntimeError(f"uvicorn exited with code {err.code}") from None

        self._task = asyncio.create_task(run(), name=f"uvicorn-{self.port}")
        async with asyncio.timeout(START_TIMEOUT_S):
            while not server.started:
                if self._task.done():
                    self._task.result()  # re-raise the start-up error
                    raise RuntimeError(f"uvicorn on {self.port} stopped while starting")
                await asyncio.sleep(0.005)

    async def stop(self) -> None:
        server, task, sock = self._server, self._task, self._sock
        if server is None or task is None or sock is None:
            return
        self._server = self._task = self._sock = None
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        finally:
            sock.close()


@contextlib.asynccontextmanager
async def serve(
    app: Any, *, lifespan: Literal["on", "off", "auto"] = "auto"
) -> AsyncIterator[LoopbackServer]:
    server = LoopbackServer(app, lifespan=lifespan)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, *, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Like `serve`, yielding only the base URL."""
    server = LoopbackServer(app, host=host)
    await server.start()
    try:
        yield server.url
    finally:
        await server.stop()
