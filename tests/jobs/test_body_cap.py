"""The /api/inngest body cap as an ASGI layer: declared and chunked bodies."""

from __future__ import annotations

import json

from starlette.types import Message, Receive, Scope, Send

from app.jobs.body_cap import BodyCap, declared_length

CAP = 100


def http_scope(length: int | None) -> Scope:
    headers = [(b"host", b"testserver")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/inngest",
        "headers": headers,
    }


class Echo:
    """An inner app that reads the whole body and answers with its size."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def chunks(*parts: bytes, disconnect: bool = False) -> tuple[Receive, list[int]]:
    """A receive() yielding `parts` as one streamed body; counts reads."""
    reads = [0]
    messages: list[Message] = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    if disconnect:
        messages[-1] = {"type": "http.disconnect"}

    async def receive() -> Message:
        reads[0] += 1
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive, reads


async def call(app: BodyCap, scope: Scope, receive: Receive) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_declared_length_reads_the_content_length_header() -> None:
    assert declared_length(http_scope(42)) == 42
    assert declared_length(http_scope(None)) is None
    assert declared_length({"headers": [(b"content-length", b"-1")]}) is None


async def test_a_declared_length_over_the_cap_is_refused_unread() -> None:
    inner = Echo()
    receive, reads = chunks(b"x" * (CAP + 1))
    sent = await call(BodyCap(inner, max_body_bytes=CAP), http_scope(CAP + 1), receive)
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"detail": "Content Too Large"}
    assert reads == [0]
    assert inner.bodies == []


async def test_a_declared_length_within_the_cap_passes_untouched() -> None:
    inner = Echo()
    receive, _ = chunks(b"a" * CAP)
    sent = await call(BodyCap(inner, max_body_bytes=CAP), http_scope(CAP), receive)
    assert sent[0]["status"] == 200
    assert inner.bodies == [b"a" * CAP]


async def test_a_chunked_body_within_the_cap_arrives_whole() -> None:
    inner = Echo()
    receive, _ = chunks(b"ab" * 20, b"cd" * 20, b"e" * 20)
    sent = await call(BodyCap(inner, max_body_bytes=CAP), http_scope(None), receive)
    assert sent[0]["status"] == 200
    assert inner.bodies == [b"ab" * 20 + b"cd" * 20 + b"e" * 20]


async def test_a_chunked_body_past_the_cap_is_cut_off() -> None:
    inner = Echo()
    receive, reads = chunks(*[b"z" * 40] * 10)
    sent = await call(BodyCap(inner, max_body_bytes=CAP), http_scope(None), receive)
    assert sent[0]["status"] == 413
    assert reads == [3]  # 120 bytes read, the other 280 never
    assert inner.bodies == []


async def test_a_client_gone_mid_body_gets_no_answer_and_no_call() -> None:
    inner = Echo()
    receive, _ = chunks(b"a" * 10, b"b" * 10, disconnect=True)
    sent = await call(BodyCap(inner, max_body_bytes=CAP), http_scope(None), receive)
    assert sent == []
    assert inner.bodies == []
