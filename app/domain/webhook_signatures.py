"""Verification of wearable webhook deliveries (domain-methods §6, §6.7).

Every check runs on the raw body bytes before any JSON parsing, compares in
constant time (``hmac.compare_digest`` over bytes) and, where a timestamp is
signed, rejects it outside ±``tolerance`` (default 300 s) of the caller's ``now``.
Results name the failure, never the secret, signature or body.
"""

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from .errors import DomainInputError

DEFAULT_TOLERANCE = timedelta(seconds=300)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECONDS_RE = re.compile(r"\d{1,10}")
_MILLIS_RE = re.compile(r"\d{1,13}")


class SignatureOutcome(StrEnum):
    VALID = "valid"
    MISSING_HEADER = "missing_header"
    MALFORMED_HEADER = "malformed_header"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    FUTURE_TIMESTAMP = "future_timestamp"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    outcome: SignatureOutcome
    signed_at: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.outcome is SignatureOutcome.VALID


@dataclass(frozen=True, slots=True)
class HandshakeReply:
    """What the route answers: status code and exact body bytes (JSON or empty)."""

    status_code: int
    body: bytes = b""


def verify_oura_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> SignatureCheck:
    """Oura v2: ``x-oura-signature`` = uppercase hex HMAC-SHA256(client_secret, msg).

    Signed bytes: ``msg = x-oura-timestamp header (ASCII unix seconds, e.g.
    b"1783152000") + raw body``, no separator. The hex digest is compared
    case-insensitively. No re-serialised-JSON fallback (doc default: raw body).
    """
    return _verify_timestamped(_OURA, secret, headers, body, now, tolerance)


def verify_whoop_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> SignatureCheck:
    """WHOOP v2: ``X-WHOOP-Signature`` = base64 HMAC-SHA256(client_secret, msg).

    Signed bytes: ``msg = X-WHOOP-Signature-Timestamp header (ASCII unix
    milliseconds, e.g. b"1783152000000") + raw body``, no separator; standard
    base64 with padding.
    """
    return _verify_timestamped(_WHOOP, secret, headers, body, now, tolerance)


def verify_fitbit_signature(
    secret: str, headers: Mapping[str, str], body: bytes
) -> SignatureCheck:
    """Fitbit Web API: ``X-Fitbit-Signature`` = base64 HMAC-SHA1(key, raw body).

    Key bytes: ``client_secret + "&"`` (UTF-8). Signed bytes: the raw body only;
    there is no timestamp, so replays fall to the (ownerId, collectionType, date)
    dedup key.
    """
    key = _require_secret(secret) + b"&"
    received = _header(headers, "x-fitbit-signature")
    if received is None:
        return SignatureCheck(SignatureOutcome.MISSING_HEADER)
    expected = base64.b64encode(hmac.digest(key, body, hashlib.sha1))
    return _compare(expected, received.strip().encode(), None)


def verify_google_health_authorization(
    expected_authorization: str, headers: Mapping[str, str]
) -> SignatureCheck:
    """Google Health API: nothing is signed; every notification carries the
    ``Authorization`` value configured on the subscriber, compared verbatim."""
    expected = _require_secret(expected_authorization)
    received = _header(headers, "authorization")
    if received is None:
        return SignatureCheck(SignatureOutcome.MISSING_HEADER)
    return _compare(expected, received.strip().encode(), None)


def verify_garmin_path_secret(secret: str, provided: str | None) -> SignatureCheck:
    """Garmin sends no signature: compare the unguessable path/query secret."""
    expected = _require_secret(secret)
    if not provided:
        return SignatureCheck(SignatureOutcome.MISSING_HEADER)
    return _compare(expected, provided.encode(), None)


def is_google_health_verification(body: bytes) -> bool:
    """True for the subscriber-creation probe body ``{"type": "verification"}``."""
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    return isinstance(payload, dict) and payload.get("type") == "verification"


def answer_google_health_verification(
    expected_authorization: str, headers: Mapping[str, str]
) -> HandshakeReply:
    """201 with the configured ``Authorization``, 401 without it, 403 if wrong."""
    check = verify_google_health_authorization(expected_authorization, headers)
    if check.is_valid:
        return HandshakeReply(201)
    missing = check.outcome is SignatureOutcome.MISSING_HEADER
    return HandshakeReply(401 if missing else 403)


def answer_oura_verification(
    verification_token: str, query: Mapping[str, str]
) -> HandshakeReply:
    """GET ``?verification_token=…&challenge=…`` → 200 ``{"challenge": "<value>"}``;
    400 if a parameter is missing, 401 if the token does not match."""
    return _echo_challenge(
        verification_token, query, "verification_token", "challenge", 401
    )


def answer_strava_challenge(
    verify_token: str, query: Mapping[str, str]
) -> HandshakeReply:
    """GET ``?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`` → 200
    ``{"hub.challenge": "<value>"}``; 400 if malformed, 403 on a wrong token.
    Strava events themselves are unsigned: re-fetch with the athlete's token."""
    if query.get("hub.mode") != "subscribe":
        return HandshakeReply(400)
    return _echo_challenge(
        verify_token, query, "hub.verify_token", "hub.challenge", 403
    )


def answer_fitbit_verification(
    verify_code: str, query: Mapping[str, str]
) -> HandshakeReply:
    """GET ``?verify=<code>`` → 204 for the configured code, 404 otherwise."""
    expected = _require_secret(verify_code)
    provided = query.get("verify")
    ok = provided is not None and hmac.compare_digest(expected, provided.encode())
    return HandshakeReply(204 if ok else 404)


def is_allowed_callback_url(url: str, allowed_hosts: Collection[str]) -> bool:
    """Garmin ping ``callbackURL``: https, exact allow-listed host name, no
    userinfo, no IP literal, default port only, no whitespace or backslash."""
    if not url or len(url) > 2048 or any(c.isspace() or c == "\\" for c in url):
        return False
    if not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname
    if parts.scheme != "https" or host is None or "@" in parts.netloc:
        return False
    ip_literal = ":" in host or host.rsplit(".", 1)[-1].isdigit()
    if port not in (None, 443) or ip_literal or not host.isascii():
        return False
    return host in {allowed.lower() for allowed in allowed_hosts}


def _hex_upper_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).hexdigest().upper().encode()


def _b64_sha256(key: bytes, message: bytes) -> bytes:
    return base64.b64encode(hmac.digest(key, message, hashlib.sha256))


@dataclass(frozen=True, slots=True)
class _Scheme:
    signature_header: str
    timestamp_header: str
    timestamp_re: re.Pattern[str]
    unit: timedelta
    sign: Callable[[bytes, bytes], bytes]
    case_insensitive: bool


_OURA = _Scheme(
    "x-oura-signature",
    "x-oura-timestamp",
    _SECONDS_RE,
    timedelta(seconds=1),
    _hex_upper_sha256,
    case_insensitive=True,
)
_WHOOP = _Scheme(
    "x-whoop-signature",
    "x-whoop-signature-timestamp",
    _MILLIS_RE,
    timedelta(milliseconds=1),
    _b64_sha256,
    case_insensitive=False,
)


def _verify_timestamped(
    scheme: _Scheme,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta,
) -> SignatureCheck:
    key = _require_secret(secret)
    if now.tzinfo is None or now.utcoffset() is None:
        raise DomainInputError("now must be timezone-aware")
    received = _header(headers, scheme.signature_header)
    stamp = _header(headers, scheme.timestamp_header)
    if received is None or stamp is None:
        return SignatureCheck(SignatureOutcome.MISSING_HEADER)
    stamp = stamp.strip()
    if not scheme.timestamp_re.fullmatch(stamp):
        return SignatureCheck(SignatureOutcome.MALFORMED_HEADER)
    signed_at = _EPOCH + int(stamp) * scheme.unit
    expected = scheme.sign(key, stamp.encode("ascii") + body)
    received = received.strip().upper() if scheme.case_insensitive else received.strip()
    check = _compare(expected, received.encode(), signed_at)
    if check.is_valid and signed_at < now - tolerance:
        return SignatureCheck(SignatureOutcome.STALE_TIMESTAMP, signed_at)
    if check.is_valid and signed_at > now + tolerance:
        return SignatureCheck(SignatureOutcome.FUTURE_TIMESTAMP, signed_at)
    return check


def _echo_challenge(
    token: str,
    query: Mapping[str, str],
    token_param: str,
    challenge_param: str,
    mismatch_status: int,
) -> HandshakeReply:
    expected = _require_secret(token)
    provided, challenge = query.get(token_param), query.get(challenge_param)
    if not provided or not challenge:
        return HandshakeReply(400)
    if not hmac.compare_digest(expected, provided.encode()):
        return HandshakeReply(mismatch_status)
    body = json.dumps({challenge_param: challenge}, separators=(",", ":"))
    return HandshakeReply(200, body.encode())


def _compare(
    expected: bytes, received: bytes, signed_at: datetime | None
) -> SignatureCheck:
    if hmac.compare_digest(expected, received):
        return SignatureCheck(SignatureOutcome.VALID, signed_at)
    return SignatureCheck(SignatureOutcome.BAD_SIGNATURE, signed_at)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup; an empty value counts as missing."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value or None


def _require_secret(secret: str) -> bytes:
    if not secret:
        raise DomainInputError("secret must not be empty")
    return secret.encode()
