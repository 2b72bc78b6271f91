"""The status of a response, recorded by the one layer that watches it.

One ASGI layer wraps `send` (`ResponseStatus.watch`); what else needs the
status reads it once the request is answered instead of wrapping `send`
again: the access lines (app/core/access_log.py) and, on `/api/inngest`, the
signature guard, which finds the serve edge's record in the scope
(`shared_status`) and forgets a signature the SDK refused
(app/jobs/serve_guard.py).
"""

from __future__ import annotations

from starlette.types import Message, Scope, Send

SCOPE_KEY = "app.response_status"


class ResponseStatus:
    __slots__ = ("status",)

    def __init__(self) -> None:
        self.status = 0  # 0 until the response starts

    def watch(self, send: Send) -> Send:
        """`send`, recording the status as the response starts."""

        async def send_seen(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            await send(message)

        return send_seen


def shared_status(scope: Scope) -> ResponseStatus | None:
    """The record an outer layer put in the scope, if any."""
    seen = scope.get(SCOPE_KEY)
    return seen if isinstance(seen, ResponseStatus) else None
