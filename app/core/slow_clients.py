"""Bounds on slow clients: the time to send the headers, and the body.

uvicorn has no header timeout: a connection that sends its headers byte by
byte (or nothing at all) is held for as long as the client likes, and so is
a request whose body trickles in. Two bounds:

- `HTTP_HEADER_TIMEOUT_S`: `HeaderTimeoutHttpProtocol`, uvicorn's httptools
  protocol with a timer from the connection's start (and from the first byte
  of each later request on a kept-alive connection) to the end of the
  headers; when it fires the connection is closed. Serve with
  `uvicorn --http app.core.slow_clients:HeaderTimeoutHttpProtocol` (the
  Makefile and the Dockerfile do).
- `HTTP_BODY_TIMEOUT_S`: `BodyDeadline`, an ASGI layer that bounds the whole
  body from the first read: past it the request is answered 408
  `{code: "request_timeout"}` with `Connection: close`.

Behind a reverse proxy, set its own limits too (nginx `client_header_timeout`
and `client_body_timeout`, HAProxy `timeout http-request`), docs/security.md.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings
from app.core.logging import get_logger

log = get_logger("app.http")


class HeaderTimeoutHttpProtocol(HttpToolsProtocol):
    """httptools protocol that closes a connection whose headers are late."""

    header_timeout_s: float | None = None  # None: read from the settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def _timeout_s(self) -> float:
        configured = type(self).header_timeout_s
        return (
            configured
            if configured is not None
            else get_settings().HTTP_HEADER_TIMEOUT_S
        )

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self._timeout_s(), self._late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _late(self) -> None:
        self._header_timer = None
        log.info("http.header_timeout", timeout_s=self._timeout_s())
        self.transport.close()


def protocol_for(header_timeout_s: float) -> type[HeaderTimeoutHttpProtocol]:
    """The protocol with its timeout fixed (for servers built in code)."""
    return type(
        "HeaderTimeoutHttpProtocol",
        (HeaderTimeoutHttpProtocol,),
        {"header_timeout_s": header_timeout_s},
    )


class BodyTimeoutError(BaseException):
    """A BaseException: FastAPI turns any Exception raised while it reads a
    body into a 400, and this must reach `BodyDeadline` to become a 408."""


class BodyDeadline:
    """ASGI: the whole request body within `timeout_s` of its first read."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        started = False

        async def bounded_receive() -> Message:
            nonlocal deadline
            if deadline is None:
                deadline = time.monotonic() + self.timeout_s
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    return await receive()
            except TimeoutError:
                raise BodyTimeoutError from None

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, watch)
        except BodyTimeoutError:
            log.info("http.body_timeout", timeout_s=self.timeout_s)
            if started:
                return
            response = JSONResponse(
                {"code": "request_timeout", "detail": "request_timeout"},
                status_code=408,
                headers={"connection": "close"},
            )
            await response(scope, receive, send)
