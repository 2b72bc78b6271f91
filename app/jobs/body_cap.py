"""The body cap of `/api/inngest` (`INNGEST_MAX_BODY_BYTES`), as one small layer.

- A declared `Content-Length` over the cap gets 413 from the headers alone;
  under it, the request passes untouched (the HTTP server reads exactly the
  declared length, so nothing more can arrive). Inngest always declares it.
- A body without a declared length (chunked) is read here, up to the cap, and
  handed on whole; past the cap it gets 413 and the rest is never read.

FastAPI's own `max_body_size` does the same with three wrappers per request
(app, router, route), paid on every step call of every run; this is one
header lookup on that path.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_LENGTH = b"content-length"


class _ClientGoneError(Exception):
    """The client disconnected before the body was complete."""


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == CONTENT_LENGTH:  # the server gives header names lower-cased
            return int(value) if value.isdigit() else None
    return None


class BodyCap:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(scope)
        if length is not None:
            if length > self.max_body_bytes:
                await _too_large(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_capped(receive)
        except _ClientGoneError:
            return  # nobody to answer
        if body is None:
            await _too_large(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_capped(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the cap."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _ClientGoneError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # e.g. http.disconnect
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # The same answer as the API's cap (FastAPI's HTTPException handler).
    response = JSONResponse({"detail": "Content Too Large"}, status_code=413)
    await response(scope, receive, send)
