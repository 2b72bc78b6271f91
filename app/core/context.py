"""Who is acting: a request (with a request id) or the system running a job.

Jobs run as the system, never as a user: `system_context` binds an explicit
actor with the function id and run id into the log context (the audit tag the
seeds attach when background work bypasses row-level security).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import re
import uuid
from collections.abc import Iterator

import sentry_sdk
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclasses.dataclass(frozen=True)
class SystemActor:
    """The actor of background work: no user, an audit tag instead."""

    function_id: str
    run_id: str
    kind: str = "system"

    @property
    def audit_tag(self) -> str:
        return f"job:{self.function_id}:{self.run_id}"


_current_actor: contextvars.ContextVar[SystemActor | None] = contextvars.ContextVar(
    "current_actor", default=None
)


def current_actor() -> SystemActor | None:
    return _current_actor.get()


@contextlib.contextmanager
def system_context(
    function_id: str, run_id: str, **log_context: object
) -> Iterator[SystemActor]:
    actor = SystemActor(function_id=function_id, run_id=run_id)
    token = _current_actor.set(actor)
    with structlog.contextvars.bound_contextvars(
        actor=actor.kind,
        audit_tag=actor.audit_tag,
        function_id=function_id,
        run_id=run_id,
        **log_context,
    ):
        try:
            yield actor
        finally:
            _current_actor.reset(token)


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
