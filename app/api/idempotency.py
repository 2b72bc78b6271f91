"""ASGI layer of `Idempotency-Key` on the API's write routes
(app/services/idempotency.py holds the rules).

Only POST, PUT, PATCH and DELETE with the header and a valid bearer token
(without one the route answers 401 as usual). The body is read here (the
API's body cap applies) to fingerprint the request, then handed to the route
unchanged; the answer is passed on as it is sent and stored when complete.
A repeated answer carries `Idempotent-Replayed: true`.
"""

from __future__ import annotations

import hashlib
import re

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import AppError, UnauthorizedError
from app.core.security import decode_token
from app.runtime import Runtime
from app.services import idempotency

HEADER = b"idempotency-key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class InvalidIdempotencyKeyError(AppError):
    status_code = 422
    code = "invalid_idempotency_key"


def _error(exc: AppError) -> JSONResponse:
    return JSONResponse({"code": exc.code, "detail": exc.detail}, exc.status_code)


class IdempotencyKeys:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(HEADER)
        runtime = getattr(scope["app"].state, "runtime", None)
        if raw_key is None or not isinstance(runtime, Runtime):
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not VALID_KEY.fullmatch(key):
            await _error(InvalidIdempotencyKeyError())(scope, receive, send)
            return
        principal_id = _principal_id(runtime, headers.get(b"authorization", b""))
        if principal_id is None:
            await self.app(scope, receive, send)  # the route answers 401
            return
        body = await _read_body(receive)
        fingerprint = hashlib.sha256(
            b"\0".join(
                [
                    scope["method"].encode(),
                    scope["path"].encode(),
                    scope.get("query_string", b""),
                    body,
                ]
            )
        ).hexdigest()
        sessionmaker = runtime.sessionmaker
        try:
            stored = await idempotency.begin(
                sessionmaker, principal_id, key, fingerprint
            )
        except AppError as refused:
            await _error(refused)(scope, receive, send)
            return
        if stored is not None:
            replay = Response(
                stored.body,
                status_code=stored.status_code,
                media_type=stored.content_type,
                headers={"idempotent-replayed": "true"},
            )
            await replay(scope, receive, send)
            return
        await self._run(scope, body, send, runtime, principal_id, key)

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        runtime: Runtime,
        principal_id: str,
        key: str,
    ) -> None:
        """Run the route, holding its answer until it is stored, so a repeat
        sent as soon as the client has the answer finds it (not 409)."""
        delivered = False
        held: list[Message] = []
        size = 0
        settled = False  # stored (or given up on) and passed on

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def settle(answer: idempotency.StoredAnswer | None) -> None:
            nonlocal settled
            settled = True
            await idempotency.finish(runtime.sessionmaker, principal_id, key, answer)
            for message in held:
                await send(message)
            held.clear()

        async def keep(message: Message) -> None:
            nonlocal size
            if settled:
                await send(message)
                return
            held.append(message)
            if message["type"] != "http.response.body":
                return
            size += len(message.get("body", b""))
            if size > idempotency.MAX_STORED_BODY:
                await settle(None)  # too large to keep: not idempotent
            elif not message.get("more_body", False):
                await settle(_answer(held))

        try:
            await self.app(scope, replay_body, keep)
        finally:
            if not settled:
                await settle(None)  # no complete answer: free the key


def _answer(messages: list[Message]) -> idempotency.StoredAnswer:
    start = messages[0]
    content_type = None
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            content_type = value.decode("latin-1")
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return idempotency.StoredAnswer(start["status"], content_type, body)


def _principal_id(runtime: Runtime, authorization: bytes) -> str | None:
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return str(decode_token(runtime.settings, token.strip()).user_id)
    except UnauthorizedError:
        return None


async def _read_body(receive: Receive) -> bytes:
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)
