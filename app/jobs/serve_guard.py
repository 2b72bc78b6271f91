"""A pure ASGI middleware in front of `/api/inngest`, before the SDK sees a request.

- In cloud mode (signatures on): POST and GET need a fresh signature in
  Inngest's exact form (`signature_freshness`) and a query of known
  parameters only (`serve_query`), else 401 before the body is read; a replay
  of a MAC inside the window (another query, another function, the same step)
  is refused too when the replay store is on (`replay_cache`). A PUT (sync)
  that carries a signature must be fresh; an unsigned PUT is refused here when
  `require_signed_sync` (production), as the SDK does with
  `enable_unauthed_sync=False`.
- In dev mode the SDK checks nothing and neither does this guard.

The SDK still verifies the HMAC itself; this guard only adds what it lacks.
A MAC the SDK then refuses (401) is forgotten again, read from the serve
edge's record of the answer (app/core/response_status.py), or from a record
of its own when the guard runs without the edge. Body caps are not here: the
endpoint has its own (app/jobs/body_cap.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core import metrics
from app.core.logging import get_logger
from app.core.response_status import ResponseStatus, shared_status
from app.jobs.replay_cache import ReplayStore
from app.jobs.serve_query import parse_call_target
from app.jobs.signature_freshness import (
    Refusal,
    SignatureRefusedError,
    parse_fresh_signature,
)

log = get_logger("app.jobs.serve_guard")
SIGNATURE_HEADER = b"x-inngest-signature"
CHECKED_METHODS = frozenset({"POST", "GET", "PUT"})
SIGNATURE_INVALID = "signature_invalid"  # refused by the SDK's own MAC check


def count_refusal(reason: str) -> None:
    metrics.inngest_refusals.labels(reason).inc()
    metrics.inngest_calls.labels(metrics.NO_FUNCTION, "refused").inc()


class InngestServeGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        serve_path: str,
        verify_signatures: bool,
        require_signed_sync: bool,
        tolerance_s: int,
        replay_store: ReplayStore | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self._path = serve_path.rstrip("/") or "/"
        self._verify = verify_signatures
        self._require_signed_sync = require_signed_sync
        self._tolerance_s = tolerance_s
        self._clock = clock
        self.seen = replay_store

    def _applies(self, scope: Scope) -> bool:
        if not self._verify or scope["type"] != "http":
            return False
        path = str(scope.get("path", "")).rstrip("/") or "/"
        return path == self._path and scope.get("method") in CHECKED_METHODS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])
        values = [
            v.decode("latin-1")
            for k, v in scope.get("headers") or []
            if k.lower() == SIGNATURE_HEADER
        ]
        if method == "PUT" and not values:  # a sync: the SDK decides, unless
            if self._require_signed_sync:  # production, where it must be signed
                await self._refuse(Refusal.UNSIGNED_SYNC, method, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        now = self._clock()
        try:
            header = parse_fresh_signature(
                values, now=now, tolerance_s=self._tolerance_s
            )
        except SignatureRefusedError as refused:
            await self._refuse(refused.reason, method, scope, receive, send)
            return
        call = parse_call_target(method, scope.get("query_string", b""))
        if call is None:
            await self._refuse(Refusal.QUERY_NOT_ALLOWED, method, scope, receive, send)
            return
        if self.seen is None:
            await self.app(scope, receive, send)
            return
        expires = float(header.timestamp + self._tolerance_s + 1)
        try:
            fresh = await self.seen.reserve(
                header.mac, call.target, call.step, expires, now
            )
        except Exception as exc:  # noqa: BLE001 - the shared store is down: retry later
            log.error("inngest.replay_store_unavailable", error=type(exc).__name__)
            unavailable = Response(status_code=503, headers={"retry-after": "5"})
            await unavailable(scope, receive, send)
            return
        if not fresh:
            await self._refuse(Refusal.REPLAYED, method, scope, receive, send)
            return
        answer = shared_status(scope)
        if answer is None:  # not under the serve edge: watch the answer here
            answer = ResponseStatus()
            send = answer.watch(send)
        try:
            await self.app(scope, receive, send)
        finally:
            if answer.status == 401:  # the SDK refused the MAC
                await self.seen.forget(header.mac, call.target, call.step)
                count_refusal(SIGNATURE_INVALID)

    async def _refuse(
        self, reason: Refusal, method: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        log.warning("inngest.request_refused", reason=reason.value, method=method)
        count_refusal(reason.value)
        response = JSONResponse({"message": "Unauthorized"}, status_code=401)
        await response(scope, receive, send)
