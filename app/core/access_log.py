"""One access line per HTTP request, written by the app itself.

uvicorn's access logger is switched off (app/core/logging.py). It builds a
stdlib record, with a walk up the caller's frames, for every request before
any filter can drop it: about 20 µs, paid on every Inngest step call even
when the line is then dropped (docs/benchmarks.md). Ours is a structlog
line with the request's fields, built only when it is written:

- API requests (`AccessLog`): every one (`LOG_ACCESS=false`: only those
  answered 4xx/5xx), with its request id from the log context
  (RequestContextMiddleware);
- `/api/inngest` (written by its serve edge, app/jobs/serve_app.py, with
  `AccessLines`): calls answered 4xx/5xx, and every call with
  `LOG_INNGEST_ACCESS=true` (a successful call comes once per step, and the
  job.* lines already say what ran).

The query string is left out of API lines (it can carry codes or emails); a
serve call's query is Inngest's `fnId` and `stepId`, and is kept.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.log_sink import ACCESS_LOGGER
from app.core.logging import bound_logger
from app.core.response_status import ResponseStatus


class AccessLines:
    """Writes `http.request` lines (the serve edge uses it directly)."""

    def __init__(self, *, with_query: bool = False) -> None:
        self.with_query = with_query
        self._log = bound_logger(ACCESS_LOGGER)

    def finish(self, scope: Scope, status: int, started: float, *, every: bool) -> None:
        """The line of an answered request (`started`: `time.perf_counter()`
        when it came in): every one with `every`, else only 4xx/5xx. No
        response started (a client that went away): no line, as uvicorn would
        not write one either."""
        if status and (every or status >= 400):
            self.write(scope, status, time.perf_counter() - started)

    def write(self, scope: Scope, status: int, seconds: float) -> None:
        fields: dict[str, object] = {
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "http_version": scope.get("http_version"),
        }
        if self.with_query and scope.get("query_string"):
            fields["query"] = bytes(scope["query_string"]).decode("latin-1")
        client = scope.get("client")
        if client:
            fields["client"] = client[0]
        self._log.info("http.request", **fields)


class AccessLog:
    """Pure ASGI middleware writing `http.request` lines."""

    def __init__(self, app: ASGIApp, *, every: bool, with_query: bool = False) -> None:
        self.app = app
        self.every = every  # False: only responses with status >= 400
        self.lines = AccessLines(with_query=with_query)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen = ResponseStatus()
        try:
            await self.app(scope, receive, seen.watch(send))
        except Exception:
            seen.status = seen.status or 500  # the server answers 500 for it
            raise
        finally:
            self.lines.finish(scope, seen.status, started, every=self.every)
