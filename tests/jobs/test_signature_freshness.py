"""The signature header checks the SDK lacks: `t` required, within ±300 s,
only Inngest's exact form; the strict query; and the in-memory replay store."""

from __future__ import annotations

import pytest

from app.jobs.replay_cache import SeenSignatures
from app.jobs.serve_query import CallTarget, parse_call_target
from app.jobs.signature_freshness import (
    Refusal,
    SignatureRefusedError,
    parse_fresh_signature,
)

NOW = 1_800_000_000.0
T = int(NOW)
MAC = "ab" * 32


def check(*values: str) -> Refusal | None:
    try:
        parse_fresh_signature(list(values), now=NOW, tolerance_s=300)
    except SignatureRefusedError as refused:
        return refused.reason
    return None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"t={T}&s={MAC}", None),
        (f"t={T - 300}&s={MAC}", None),
        (f"t={T + 300}&s={MAC}", None),
        (f"t={T - 301}&s={MAC}", Refusal.EXPIRED),
        (f"t={T - 600}&s={MAC}", Refusal.EXPIRED),
        (f"t={T + 600}&s={MAC}", Refusal.FROM_FUTURE),
        (f"t=1&s={MAC}", Refusal.EXPIRED),
        # Every other spelling of the same MAC (issue 16 #1): the SDK would
        # accept these, so one signature could be written many ways.
        (f"s={MAC}", Refusal.NOT_CANONICAL),
        (f"t=&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t={T}", Refusal.NOT_CANONICAL),
        (f"t=-5&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t=1e9&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t=0&s={MAC}", Refusal.NOT_CANONICAL),  # the SDK would MAC the body alone
        (f"t=0{T}&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t={T}&t={T - 9999}&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t={T}&s={MAC}&s={MAC}", Refusal.NOT_CANONICAL),
        ("", Refusal.NOT_CANONICAL),
        (f"s={MAC}&t={T}", Refusal.NOT_CANONICAL),
        (f"t={T}&s={MAC.upper()}", Refusal.NOT_CANONICAL),
        (f"t=%3{str(T)[0]}{str(T)[1:]}&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t={T}&s={MAC}&x=1", Refusal.NOT_CANONICAL),
        (f"&t={T}&s={MAC}", Refusal.NOT_CANONICAL),
        (f"t={T}&s={MAC}x", Refusal.NOT_CANONICAL),
        (f"t={T} &s={MAC}", Refusal.NOT_CANONICAL),
    ],
)
def test_header_rules(header: str, expected: Refusal | None) -> None:
    assert check(header) is expected


def test_missing_and_repeated_headers_are_refused() -> None:
    assert check() is Refusal.MISSING
    fresh = f"t={T}&s={MAC}"
    assert check(fresh, fresh) is Refusal.AMBIGUOUS


@pytest.mark.parametrize(
    ("method", "query", "expected"),
    [
        ("POST", b"fnId=app-fn&stepId=step", CallTarget("POST app-fn", "step")),
        ("POST", b"stepId=ab12&fnId=app-fn", CallTarget("POST app-fn", "ab12")),
        ("POST", b"probe=trust", CallTarget("POST ", "trust")),
        ("PUT", b"deployId=d-1", CallTarget("PUT ", "d-1")),
        ("GET", b"", CallTarget("GET ", "")),
        ("POST", b"fnId=app-fn&stepId=step&x=1", None),
        ("POST", b"fnId=app-fn&fnId=other&stepId=step", None),
        ("POST", b"fnId=%61pp-fn&stepId=step", None),
        ("POST", b"fnId=app-fn&&stepId=step", None),
        ("POST", b"&fnId=app-fn", None),
        ("POST", b"fnId=&stepId=step", None),
        ("POST", b"fnId=app+fn", None),
        ("POST", "fnId=\u00e9".encode(), None),
    ],
)
def test_query_rules(method: str, query: bytes, expected: CallTarget | None) -> None:
    assert parse_call_target(method, query) == expected


def test_a_mac_is_refused_for_its_step_again_and_for_any_other_function() -> None:
    seen = SeenSignatures()
    exp = NOW + 301
    assert seen.reserve_now(MAC, "POST a", "step", exp, NOW)
    assert not seen.reserve_now(MAC, "POST a", "step", exp, NOW + 60)
    assert not seen.reserve_now(MAC, "POST b", "step", exp, NOW)  # other function
    assert not seen.reserve_now(MAC, "POST b", "two", exp, NOW)
    assert seen.reserve_now(MAC, "POST a", "two", exp, NOW)  # parallel step
    assert len(seen) == 1


async def test_a_forgotten_mac_can_be_used_again_even_for_another_function() -> None:
    seen = SeenSignatures()
    exp = NOW + 301
    assert await seen.reserve(MAC, "POST b", "step", exp, NOW)  # tampered body
    await seen.forget(MAC, "POST b", "step")  # the SDK refused it
    assert await seen.reserve(MAC, "POST a", "step", exp, NOW)  # the genuine call
    await seen.forget(MAC, "POST b", "step")  # another target's forget: no effect
    assert not await seen.reserve(MAC, "POST a", "step", exp, NOW)


def test_entries_go_after_their_window() -> None:
    seen = SeenSignatures()
    assert seen.reserve_now("m1", "POST a", "step", NOW + 301, NOW)
    assert seen.reserve_now("m2", "POST a", "step", NOW + 501, NOW)  # `t` ahead
    seen.reserve_now("m3", "POST a", "step", NOW + 900, NOW + 400)
    assert len(seen) == 2  # m1 went, m2 still in its window
    seen.reserve_now("m4", "POST a", "step", NOW + 1200, NOW + 600)
    assert len(seen) == 2


def test_the_store_is_bounded() -> None:
    seen = SeenSignatures(max_entries=3)
    for n in range(10):
        assert seen.reserve_now(f"m{n}", "POST a", "step", NOW + 301, NOW)
    assert len(seen) == 3
