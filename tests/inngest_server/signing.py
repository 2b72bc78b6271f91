"""Request signing exactly as the Inngest server does it (protocol doc §2)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.parse

import jcs

_PREFIX = re.compile(r"^signkey-\w+-")


def strip_prefix(key: str) -> str:
    """Key text without its ``signkey-<env>-`` prefix."""
    return _PREFIX.sub("", key, count=1)


def hash_signing_key(key: str) -> str:
    """The Bearer token the SDK sends: sha256 of the hex-decoded bare key."""
    return hashlib.sha256(bytes.fromhex(strip_prefix(key))).hexdigest()


def new_signing_key(env: str = "test") -> str:
    return f"signkey-{env}-{secrets.token_hex(32)}"


def canonical(value: object) -> bytes:
    """JCS (RFC 8785) canonical JSON bytes of a JSON-able value."""
    out = jcs.canonicalize(value)
    if not isinstance(out, bytes):  # pragma: no cover - jcs always returns bytes
        raise TypeError("jcs returned a non-bytes value")
    return out


def canonical_bytes(body: bytes) -> bytes:
    """Re-canonicalise raw JSON bytes (what the SDK does before verifying)."""
    return canonical(json.loads(body)) if body else body


def _mac(key: str, body: bytes, ts: int | None) -> str:
    mac = hmac.new(strip_prefix(key).encode("utf-8"), body, hashlib.sha256)
    if ts is not None:
        mac.update(str(ts).encode("utf-8"))
    return mac.hexdigest()


def sign(body: bytes, key: str, *, ts: int | None = None) -> str:
    """``X-Inngest-Signature`` for a request body (canonicalised first)."""
    stamp = int(time.time()) if ts is None else ts
    return f"t={stamp}&s={_mac(key, canonical_bytes(body), stamp)}"


def verify_response(body: bytes, header: str | None, key: str) -> bool:
    """Check the SDK's response signature (raw bytes, no canonicalisation)."""
    if not header:
        return False
    parsed = urllib.parse.parse_qs(header)
    sig = parsed.get("s", [""])[0]
    ts_text = parsed.get("t", [None])[0]
    ts = int(ts_text) if ts_text and ts_text.isdigit() else None
    return hmac.compare_digest(sig, _mac(key, body, ts))


def bearer_matches(header: str | None, keys: list[str]) -> bool:
    """Whether an ``Authorization`` header carries one of ``keys`` (any form)."""
    if not header or not header.startswith("Bearer "):
        return False
    token = header.removeprefix("Bearer ").strip()
    accepted: set[str] = set()
    for key in keys:
        bare = strip_prefix(key)
        hashed = hash_signing_key(key)
        prefix = key[: len(key) - len(bare)]
        accepted |= {key, bare, hashed, prefix + hashed}
    return any(hmac.compare_digest(token, a) for a in accepted)
