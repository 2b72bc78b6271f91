"""Who is acting: a request (with a request id) or the system running a job.

Jobs run as the system, never as a user: `system_context` makes an explicit
actor current, with the function id, run id and event of the run (the audit
tag the seeds attach when background work bypasses row-level security).

The actor is one context variable, set once per run; `add_actor_fields`
copies its fields into a log line only when a line is written, so a run that
logs nothing pays nothing for its log context.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import re
import uuid
from collections.abc import Iterator, MutableMapping
from typing import Any

import sentry_sdk
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclasses.dataclass(frozen=True, slots=True)
class SystemActor:
    """The actor of background work: no user, an audit tag instead."""

    function_id: str
    run_id: str
    event_id: str | None = None
    event_name: str | None = None
    attempt: int | None = None  # 1-based
    mode: str | None = None  # "inline" when run in the request's process
    kind: str = "system"

    @property
    def audit_tag(self) -> str:
        return f"job:{self.function_id}:{self.run_id}"

    def log_fields(self) -> dict[str, object]:
        """The run's log context (ids and codes only)."""
        fields: dict[str, object] = {
            "actor": self.kind,
            "audit_tag": self.audit_tag,
            "function_id": self.function_id,
            "run_id": self.run_id,
        }
        for name in ("event_id", "event_name", "attempt", "mode"):
            value = getattr(self, name)
            if value is not None:
                fields[name] = value
        return fields


_current_actor: contextvars.ContextVar[SystemActor | None] = contextvars.ContextVar(
    "current_actor", default=None
)


def current_actor() -> SystemActor | None:
    return _current_actor.get()


@contextlib.contextmanager
def system_context(actor: SystemActor) -> Iterator[SystemActor]:
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def add_actor_fields(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the current run's fields (a line's own win)."""
    actor = _current_actor.get()
    if actor is not None:
        for key, value in actor.log_fields().items():
            event_dict.setdefault(key, value)
    return event_dict


class RequestContextMiddleware:
    """Pure ASGI middleware: one request id per request, in logs and Sentry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode())
        request_id = incoming.decode("latin-1") if incoming else ""
        if not _VALID_REQUEST_ID.match(request_id):
            request_id = uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request_id, method=scope.get("method"), path=scope.get("path")
        )
        sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.clear_contextvars()
