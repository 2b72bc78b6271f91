"""The signature header checks the SDK lacks: `t` required, within ±300 s,
parsed like the SDK parses it, ambiguity refused; and the replay cache."""

from __future__ import annotations

import urllib.parse

import pytest

from app.jobs.replay_cache import SeenSignatures
from app.jobs.signature_freshness import (
    PLAIN_FORM,
    Refusal,
    SignatureRefusedError,
    parse_fresh_signature,
)

NOW = 1_800_000_000.0
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
        (f"t={int(NOW)}&s={MAC}", None),
        (f"t={int(NOW) - 300}&s={MAC}", None),
        (f"t={int(NOW) + 300}&s={MAC}", None),
        (f"t={int(NOW) - 301}&s={MAC}", Refusal.EXPIRED),
        (f"t={int(NOW) - 600}&s={MAC}", Refusal.EXPIRED),
        (f"t={int(NOW) + 600}&s={MAC}", Refusal.FROM_FUTURE),
        (f"s={MAC}", Refusal.NO_TIMESTAMP),
        (f"t=&s={MAC}", Refusal.NO_TIMESTAMP),
        (f"t={int(NOW)}", Refusal.MALFORMED),
        (f"t=-5&s={MAC}", Refusal.MALFORMED),
        (f"t=1e9&s={MAC}", Refusal.MALFORMED),
        (f"t=0&s={MAC}", Refusal.EXPIRED),  # the SDK would MAC the body alone
        (f"t={int(NOW)}&t={int(NOW) - 9999}&s={MAC}", Refusal.AMBIGUOUS),
        (f"t={int(NOW)}&s={MAC}&s={MAC}", Refusal.AMBIGUOUS),
        ("", Refusal.MALFORMED),
        # Not the plain form: read as the SDK reads it, with the same outcome.
        (f"s={MAC}&t={int(NOW)}", None),
        (f"t={int(NOW)}&s={MAC.upper()}", None),
        (f"t=%3{str(int(NOW))[0]}{str(int(NOW))[1:]}&s={MAC}", None),
        (f"t={int(NOW)}&s={MAC}&s=", Refusal.AMBIGUOUS),
        (f"t={int(NOW)}&s={MAC}x", None),  # the SDK then refuses the MAC
    ],
)
def test_header_rules(header: str, expected: Refusal | None) -> None:
    assert check(header) is expected


def test_missing_and_repeated_headers_are_refused() -> None:
    assert check() is Refusal.MISSING
    fresh = f"t={int(NOW)}&s={MAC}"
    assert check(fresh, fresh) is Refusal.AMBIGUOUS


def test_replay_cache_refuses_a_second_use_until_the_window_ends() -> None:
    seen = SeenSignatures(tolerance_s=300)
    key = seen.key("POST", "/api/inngest", b"fnId=a&stepId=step", "t=1&s=x")
    other_step = seen.key("POST", "/api/inngest", b"fnId=a&stepId=two", "t=1&s=x")
    assert seen.reserve(key, int(NOW), NOW)
    assert not seen.reserve(key, int(NOW), NOW + 60)
    assert seen.reserve(other_step, int(NOW), NOW)  # same body, other step
    seen.forget(other_step)  # the SDK refused it: forget
    assert seen.reserve(other_step, int(NOW), NOW)
    assert len(seen) == 2
    later = seen.key("POST", "/api/inngest", b"later", "t=2&s=y")
    seen.reserve(later, int(NOW) + 400, NOW + 400)  # evicts the expired ones
    assert len(seen) == 1


def test_replay_cache_evicts_in_arrival_order_and_keeps_out_of_order_entries() -> None:
    seen = SeenSignatures(tolerance_s=300)
    late = seen.key("POST", "/p", b"", "t=late")  # `t` from 200 s ahead
    early = seen.key("POST", "/p", b"", "t=early")
    assert seen.reserve(late, int(NOW) + 200, NOW)
    assert seen.reserve(early, int(NOW), NOW)
    # Past the early one's window: it waits behind the later one (at most
    # that long), still refused as a replay meanwhile.
    assert not seen.reserve(early, int(NOW), NOW + 350)
    # Past both windows: both go.
    seen.reserve(seen.key("POST", "/p", b"", "t=x"), int(NOW) + 600, NOW + 600)
    assert len(seen) == 1


def test_replay_cache_is_bounded() -> None:
    seen = SeenSignatures(tolerance_s=300, max_entries=3)
    for n in range(10):
        assert seen.reserve(seen.key("POST", "/p", b"", f"k{n}"), int(NOW), NOW)
    assert len(seen) == 3


@pytest.mark.parametrize(
    "header",
    [
        f"t={int(NOW)}&s={MAC}",
        f"t={int(NOW)}&s={'0' * 64}",
        f"t=00{int(NOW)}&s={MAC}",  # 12 digits, the most either path takes
        f"t={int(NOW) - 299}&s={'f' * 64}",
    ],
)
def test_the_plain_form_reads_as_the_sdk_reads_it(header: str) -> None:
    fast = parse_fresh_signature([header], now=NOW, tolerance_s=300)
    assert PLAIN_FORM.fullmatch(header)
    fields = urllib.parse.parse_qs(header, keep_blank_values=True)
    assert (fast.timestamp, fast.mac) == (int(fields["t"][0]), fields["s"][0])
