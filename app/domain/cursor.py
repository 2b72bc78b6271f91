"""Opaque keyset-pagination cursors over ``(created_at, id)`` (domain-methods §5.1).

A cursor is unpadded urlsafe base64 of compact JSON ``{"i": id, "t": iso-utc}``.
It is opaque, not secret: decoding validates shape and canonical form and raises
``DomainInputError`` with a fixed message, never echoing the token.
"""

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import DomainInputError

MAX_CURSOR_CHARS = 512
MAX_ID_CHARS = 128
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
_INVALID = "cursor is not a valid page cursor"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Position after the item with this ``created_at`` (aware, UTC) and ``item_id``."""

    created_at: datetime
    item_id: str


def encode_cursor(cursor: Cursor) -> str:
    """Encode a position; the same position always gives the same token."""
    if cursor.created_at.tzinfo is None or cursor.created_at.utcoffset() is None:
        raise DomainInputError("created_at must be timezone-aware")
    if not cursor.item_id or len(cursor.item_id) > MAX_ID_CHARS:
        raise DomainInputError("item_id must hold 1 to 128 characters")
    stamp = cursor.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = json.dumps({"i": cursor.item_id, "t": stamp}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode("ascii")


def decode_cursor(token: str) -> Cursor:
    """Decode and validate a token made by :func:`encode_cursor`."""
    if len(token) > MAX_CURSOR_CHARS or not _TOKEN_RE.fullmatch(token):
        raise DomainInputError(_INVALID)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        cursor = Cursor(datetime.fromisoformat(data["t"]), data["i"])
        canonical = encode_cursor(cursor)
    except (ValueError, TypeError, KeyError):
        raise DomainInputError(_INVALID) from None
    if canonical != token or not isinstance(cursor.item_id, str):
        raise DomainInputError(_INVALID)
    return Cursor(cursor.created_at.astimezone(UTC), cursor.item_id)
