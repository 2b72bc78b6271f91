"""The `X-Inngest-Signature` header checks the Python SDK 0.5.19 leaves out.

The SDK folds `t` into the HMAC but never compares it with the clock, and
accepts a signature with no `t` at all. Here `t` is required and must be
within the tolerance of now, in either direction (as the TypeScript and Go
SDKs do).

Only the form Inngest sends is accepted: `t=<digits, no leading zero>&s=<64
lowercase hex>`, exactly. The SDK parses the header loosely (`parse_qs`: any
order, %-escapes, extra fields, leading zeros in `t`), so one MAC can be
written many ways; refusing every other spelling means one signature has one
header, and the replay store can key on the MAC alone (issue 16 #1).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Sequence


class Refusal(enum.StrEnum):
    MISSING = "signature_missing"
    AMBIGUOUS = "signature_ambiguous"
    NOT_CANONICAL = "signature_not_canonical"
    EXPIRED = "signature_expired"
    FROM_FUTURE = "signature_from_future"
    REPLAYED = "signature_replayed"
    UNSIGNED_SYNC = "unsigned_sync"
    QUERY_NOT_ALLOWED = "query_not_allowed"


@dataclasses.dataclass(frozen=True)
class SignatureHeader:
    timestamp: int
    mac: str


# What Inngest sends: `t` first, then the hex MAC (SHA-256: 64 characters).
CANONICAL_FORM = re.compile(r"t=(?P<t>[1-9][0-9]{0,11})&s=(?P<s>[0-9a-f]{64})")


class SignatureRefusedError(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def parse_fresh_signature(
    values: Sequence[str], *, now: float, tolerance_s: int
) -> SignatureHeader:
    """The header's `t` and `s` if it is present, canonical and fresh."""
    if not values:
        raise SignatureRefusedError(Refusal.MISSING)
    if len(values) > 1:
        raise SignatureRefusedError(Refusal.AMBIGUOUS)
    found = CANONICAL_FORM.fullmatch(values[0])
    if found is None:
        raise SignatureRefusedError(Refusal.NOT_CANONICAL)
    header = SignatureHeader(timestamp=int(found["t"]), mac=found["s"])
    if header.timestamp < now - tolerance_s:
        raise SignatureRefusedError(Refusal.EXPIRED)
    if header.timestamp > now + tolerance_s:
        raise SignatureRefusedError(Refusal.FROM_FUTURE)
    return header
