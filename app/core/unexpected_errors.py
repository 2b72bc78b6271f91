"""The innermost catch-all of the API: an exception no handler mapped.

It sits just outside the routes and their exception handlers (inside the
access line, the request id and Sentry's middleware), so the client gets a
proper answer on a connection that stays usable, instead of the server
closing the socket after a bare 500:

- the database cannot be reached (connection refused, cannot open, pool
  timeout, a dropped connection): 503 `{code: "database_unavailable",
  detail, request_id}` with `Retry-After`, and one log line saying why
  (`database.unavailable`, the error's class and where). An outage is not a
  bug: it is not sent to Sentry (the log line and `/readyz` say it);
- anything else: 500 `{code: "internal_error", detail, request_id}`, reported
  to Sentry here, once (nothing is re-raised, so the outer middleware does
  not report it again), and logged as `http.unexpected_error`.

If the response had already started, the exception is re-raised: nothing
else can be said on that connection.
"""

from __future__ import annotations

import asyncio
import traceback

import sentry_sdk
import structlog
from sqlalchemy import exc as sa_exc
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import get_logger

log = get_logger("app.http")
RETRY_AFTER_S = 5
_DRIVER_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3")


def database_unreachable_reason(exc: BaseException) -> str | None:
    """The error's class when `exc` means the database cannot be reached."""
    seen: BaseException | None = exc
    for _ in range(5):  # the exception and its causes
        if seen is None:
            return None
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return type(seen).__name__
        if isinstance(
            seen, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
        ):
            return type(seen).__name__
        if isinstance(seen, OSError | asyncio.TimeoutError) and _raised_by_driver(seen):
            return type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return None


def _raised_by_driver(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return any(
        f"/{name}/" in frame.filename or frame.filename.endswith(f"/{name}.py")
        for frame in frames[-6:]
        for name in _DRIVER_MODULES
    )


def error_response(code: str, status: int, **headers: str) -> JSONResponse:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    body = {"code": code, "detail": code, "request_id": request_id}
    return JSONResponse(body, status_code=status, headers=headers or None)


class UnexpectedErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise
            reason = database_unreachable_reason(exc)
            if reason is not None:
                log.error("database.unavailable", where="request", reason=reason)
                response = error_response(
                    "database_unavailable", 503, **{"retry-after": str(RETRY_AFTER_S)}
                )
            else:
                sentry_sdk.capture_exception(exc)
                log.error("http.unexpected_error", error=type(exc).__name__)
                response = error_response("internal_error", 500)
            await response(scope, receive, send)
