"""Unit tests of the stand-in's pure parts: CEL, patterns, signing, durations."""

from __future__ import annotations

import httpx
import pytest

from tests.inngest_server import calls, cel, routing, signing, timeparse

EVENT = {
    "name": "shop/order.created",
    "data": {"total": 150, "user": {"id": "u1"}, "tags": ["a", "b"]},
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("event.data.total >= 100", True),
        ("event.data.total < 100 || event.data.user.id == 'u1'", True),
        ('event.data.user["id"] != "u1"', False),
        ("!(event.data.total == 150) && true", False),
        ("'a' in event.data.tags && size(event.data.tags) == 2", True),
        ("has(event.data.user.id) && !has(event.data.missing)", True),
        ("event.data.missing == 1 || true", True),
        ("event.name.startsWith('shop/') && event.name.endsWith('.created')", True),
        ("event.data.total % 7 + 1 == 4 && -event.data.total < 0", True),
        ("event.data.user.id.matches('^u[0-9]+$')", True),
        ("async.data.id == event.data.user.id", True),
    ],
)
def test_cel_subset(expression: str, expected: bool) -> None:
    env = {"event": EVENT, "async": {"data": {"id": "u1"}}}
    assert cel.matches(expression, env) is expected


@pytest.mark.parametrize(
    "expression", ["event.data.missing == 1", "event.data ? 1 : 2", "foo(1)", "1 +"]
)
def test_cel_errors(expression: str) -> None:
    with pytest.raises(cel.CELError):
        cel.matches(expression, {"event": EVENT})


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("shop/order.created", "shop/order.created", True),
        ("shop/*", "shop/order.created", True),
        ("shop/order.*", "shop/order.created", True),
        ("shop/order.*", "shop/orders.created", False),
        ("shop/*", "shop/", False),
        ("shop", "shop/order.created", False),
    ],
)
def test_name_patterns(pattern: str, name: str, expected: bool) -> None:
    assert routing.name_matches(pattern, name) is expected


def test_signing_matches_sdk() -> None:
    from inngest._internal import net, transforms

    key = signing.new_signing_key()
    body = b'{"b": 1.0, "a": [1, 2]}'
    assert signing.sign(body, key, ts=1700000000) == net.sign_request(
        body, key, 1700000000
    )
    assert signing.hash_signing_key(key) == transforms.hash_signing_key(key)
    assert signing.bearer_matches(f"Bearer {signing.hash_signing_key(key)}", [key])
    assert not signing.bearer_matches("Bearer nope", [key])


def test_durations() -> None:
    assert timeparse.parse_duration("1h30m") == 5400
    assert timeparse.parse_duration("500ms") == 0.5
    assert timeparse.parse_retry_after("30") == 30
    assert timeparse.parse_retry_after("0") == 1  # clamped like the server
    with pytest.raises(ValueError, match="invalid duration"):
        timeparse.parse_duration("10 minutes")


def _reply(status: int, body: bytes, headers: dict[str, str]) -> calls.Reply:
    return calls.read_reply(httpx.Response(status, content=body, headers=headers), None)


def test_reply_classification() -> None:
    sdk = {"x-inngest-sdk": "inngest-py:v0.5.19", "x-inngest-req-version": "2"}
    done = _reply(200, b'"ok"', sdk)
    assert (done.kind, done.output, done.request_version) == ("complete", "ok", 2)
    foreign = _reply(200, b'"ok"', {})
    assert foreign.kind == "error"
    assert foreign.error is not None
    assert "Inngest SDK" in foreign.error.message
    fatal = _reply(
        500, b'{"name": "E", "message": "m"}', {"x-inngest-no-retry": "true"}
    )
    assert (fatal.kind, fatal.no_retry) == ("error", True)
    stream = b'  {"status": 206, "headers": {"x-inngest-sdk": "py"}, "body": "[{\\"op\\": \\"StepRun\\"}]"}'
    streamed = _reply(201, stream, {})
    assert (streamed.status, streamed.kind, streamed.ops) == (
        206,
        "ops",
        [{"op": "StepRun"}],
    )
    assert _reply(503, b"busy", {"retry-after": "5"}).retry_after == 5
