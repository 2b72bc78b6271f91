"""Serve any ASGI app with uvicorn on 127.0.0.1 inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT_S = 10.0


class LoopbackServer:
    def __init__(self, app: ASGIApp, *, port: int = 0, lifespan: str = "on") -> None:
        self._app = app
        self._lifespan = lifespan
        self.port = port
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self.port,
            lifespan=self._lifespan,  # type: ignore[arg-type]
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(START_TIMEOUT_S):
            while not self._server.started:
                if self._task.done():
                    self._task.result()  # re-raise the startup error
                await asyncio.sleep(0.01)
        socket = self._server.servers[0].sockets[0]
        self.port = int(socket.getsockname()[1])

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        async with asyncio.timeout(START_TIMEOUT_S):
            await self._task
        self._server = None
        self._task = None


@contextlib.asynccontextmanager
async def serve(app: ASGIApp, *, lifespan: str = "on") -> AsyncIterator[LoopbackServer]:
    server = LoopbackServer(app, lifespan=lifespan)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
