"""The `X-Inngest-Signature` header checks the Python SDK 0.5.19 leaves out.

The SDK folds `t` into the HMAC but never compares it with the clock, and
accepts a signature with no `t` at all. Here `t` is required and must be
within the tolerance of now, in either direction (as the TypeScript and Go
SDKs do). The header is parsed exactly as the SDK parses it
(`urllib.parse.parse_qs`, first value), and anything ambiguous (a repeated
field or header) is refused, so the two parsers cannot disagree.
"""

from __future__ import annotations

import dataclasses
import enum
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
    fields = urllib.parse.parse_qs(values[0], keep_blank_values=True)
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
    timestamp = int(raw_t)
    if timestamp < now - tolerance_s:
        raise SignatureRefusedError(Refusal.EXPIRED)
    if timestamp > now + tolerance_s:
        raise SignatureRefusedError(Refusal.FROM_FUTURE)
    return SignatureHeader(timestamp=timestamp, mac=mac)
