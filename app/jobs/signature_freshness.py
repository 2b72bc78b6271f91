"""The `X-Inngest-Signature` header checks the Python SDK 0.5.19 leaves out.

The SDK folds `t` into the HMAC but never compares it with the clock, and
accepts a signature with no `t` at all. Here `t` is required and must be
within the tolerance of now, in either direction (as the TypeScript and Go
SDKs do). The header is parsed exactly as the SDK parses it
(`urllib.parse.parse_qs`, first value), and anything ambiguous (a repeated
field or header) is refused, so the two parsers cannot disagree.

The form Inngest sends, `t=<digits>&s=<hex>`, is read by one regular
expression first: in that form there is nothing `parse_qs` could read
differently (no escapes, no repeats, no separators), so both paths agree.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import urllib.parse
from collections.abc import Sequence


class Refusal(enum.StrEnum):
    MISSING = "signature_missing"
    AMBIGUOUS = "signature_ambiguous"
    MALFORMED = "signature_malformed"
    NO_TIMESTAMP = "signature_without_timestamp"
    EXPIRED = "signature_expired"
    FROM_FUTURE = "signature_from_future"
    REPLAYED = "signature_replayed"
    UNSIGNED_SYNC = "unsigned_sync"


@dataclasses.dataclass(frozen=True)
class SignatureHeader:
    timestamp: int
    mac: str


# What Inngest sends: `t` first, then the hex MAC (SHA-256: 64 characters).
PLAIN_FORM = re.compile(r"t=(?P<t>[0-9]{1,12})&s=(?P<s>[0-9a-f]{64})")


class SignatureRefusedError(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def parse_fresh_signature(
    values: Sequence[str], *, now: float, tolerance_s: int
) -> SignatureHeader:
    """The header's `t` and `s` if it is present, unambiguous and fresh."""
    if not values:
        raise SignatureRefusedError(Refusal.MISSING)
    if len(values) > 1:
        raise SignatureRefusedError(Refusal.AMBIGUOUS)
    plain = PLAIN_FORM.fullmatch(values[0])
    if plain is not None:
        header = SignatureHeader(timestamp=int(plain["t"]), mac=plain["s"])
    else:
        header = _parse_any_form(values[0])
    if header.timestamp < now - tolerance_s:
        raise SignatureRefusedError(Refusal.EXPIRED)
    if header.timestamp > now + tolerance_s:
        raise SignatureRefusedError(Refusal.FROM_FUTURE)
    return header


def _parse_any_form(value: str) -> SignatureHeader:
    fields = urllib.parse.parse_qs(value, keep_blank_values=True)
    if any(len(found) > 1 for found in fields.values()):
        raise SignatureRefusedError(Refusal.AMBIGUOUS)
    mac = fields.get("s", [""])[0]
    if not mac:
        raise SignatureRefusedError(Refusal.MALFORMED)
    raw_t = fields.get("t", [""])[0]
    if not raw_t:
        raise SignatureRefusedError(Refusal.NO_TIMESTAMP)
    if not raw_t.isdigit() or len(raw_t) > 12:
        raise SignatureRefusedError(Refusal.MALFORMED)
    return SignatureHeader(timestamp=int(raw_t), mac=mac)
