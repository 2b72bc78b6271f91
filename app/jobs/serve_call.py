"""What the layers of one `/api/inngest` call share: its response status.

`ServeEdge` (app/jobs/serve_app.py) is the one layer that watches the
response; it puts a `ServeCall` in the ASGI scope, and the layers below read
the status once the call is answered (the signature guard forgets a
signature the SDK refused) instead of each wrapping `send` again.
"""

from __future__ import annotations

from starlette.types import Scope

SCOPE_KEY = "app.serve_call"


class ServeCall:
    __slots__ = ("status",)

    def __init__(self) -> None:
        self.status = 0  # 0 until the response starts


def serve_call_of(scope: Scope) -> ServeCall | None:
    call = scope.get(SCOPE_KEY)
    return call if isinstance(call, ServeCall) else None
