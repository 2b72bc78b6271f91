"""Parsing of verified wearable webhook bodies into notifications (§6).

Every notification is a hint: it names what changed (ids, type, day), never
values; the sync job fetches the record itself. Each carries the provider's
dedupe parts (§6.7), hashed into a fixed-length key. Bodies are untrusted:
anything malformed raises ``DomainInputError`` with a fixed message.
"""

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import DomainInputError
from .webhook_signatures import is_allowed_callback_url

COALESCE_WINDOW = timedelta(minutes=5)
MAX_ITEMS = 500
_BAD_BODY = "body must be a JSON notification of the provider"


class NotificationKind(StrEnum):
    DATA = "data"  # fetch and upsert
    DELETE = "delete"  # the record is gone at the provider
    DEAUTHORIZE = "deauthorize"  # the member revoked our access


@dataclass(frozen=True, slots=True)
class ProviderNotification:
    """``fetch_url`` is a Garmin callback already checked against the allow-list."""

    external_user_id: str
    data_type: str
    kind: NotificationKind
    dedupe_parts: tuple[str, ...]
    object_id: str | None = None
    day: date | None = None
    fetch_url: str | None = None

    @property
    def dedupe_key(self) -> str:
        """sha256 hex of the provider's dedupe parts (64 characters)."""
        joined = "\x1f".join(self.dedupe_parts)
        return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedBody:
    notifications: tuple[ProviderNotification, ...]
    rejected: int = 0  # items refused (e.g. a callback URL off the allow-list)


def parse_oura(body: bytes) -> ParsedBody:
    """``{event_type, data_type, object_id, event_time, user_id}``; dedupe on
    (data_type, object_id, event_type, event_time), scoped to the user."""
    data = _object(body)
    event_type, user = _text(data, "event_type"), _text(data, "user_id")
    parts = (
        _text(data, "data_type"),
        _text(data, "object_id"),
        event_type,
        _text(data, "event_time"),
        user,
    )
    kind = NotificationKind.DELETE if event_type == "delete" else NotificationKind.DATA
    item = ProviderNotification(user, parts[0], kind, parts, object_id=parts[1])
    return ParsedBody((item,))


def parse_whoop(body: bytes, timestamp: str) -> ParsedBody:
    """``{user_id, id, type, trace_id}`` with ``type`` like ``recovery.updated``;
    dedupe on (type, id, signature timestamp), scoped to the user."""
    data = _object(body)
    event_type = _text(data, "type")
    data_type, _, action = event_type.partition(".")
    if not data_type or action not in ("updated", "deleted"):
        raise DomainInputError(_BAD_BODY)
    kind = NotificationKind.DELETE if action == "deleted" else NotificationKind.DATA
    object_id, user = _text(data, "id"), _text(data, "user_id")
    parts = (event_type, object_id, timestamp, user)
    item = ProviderNotification(user, data_type, kind, parts, object_id=object_id)
    return ParsedBody((item,))


def parse_strava(body: bytes) -> ParsedBody:
    """``{object_type, object_id, aspect_type, updates, owner_id, subscription_id,
    event_time}``; an athlete update with ``authorized: "false"`` is a
    deauthorisation. Dedupe on (subscription, object type, id, aspect, time)."""
    data = _object(body)
    object_type, aspect = _text(data, "object_type"), _text(data, "aspect_type")
    parts = (
        _text(data, "subscription_id"),
        object_type,
        _text(data, "object_id"),
        aspect,
        _text(data, "event_time"),
    )
    updates = data.get("updates")
    revoked = isinstance(updates, dict) and updates.get("authorized") == "false"
    if object_type == "athlete" and revoked:
        kind = NotificationKind.DEAUTHORIZE
    elif object_type == "activity" and aspect in ("create", "update", "delete"):
        kind = NotificationKind.DELETE if aspect == "delete" else NotificationKind.DATA
    else:
        return ParsedBody((), rejected=1)  # e.g. an athlete profile update
    item = ProviderNotification(
        _text(data, "owner_id"), object_type, kind, parts, object_id=parts[2]
    )
    return ParsedBody((item,))


def parse_google_health(body: bytes, received_at: datetime) -> ParsedBody:
    """One object or a list of ``{userId, dataType, date[, updateTime]}`` (shape
    to verify against Google's docs). Without ``updateTime`` repeats are
    coalesced per 5-minute window of ``received_at``."""
    items = _items(body)
    window = int(received_at.timestamp() // COALESCE_WINDOW.total_seconds())
    found = []
    for data in items:
        user, data_type = _text(data, "userId"), _text(data, "dataType")
        day = _day(data, "date")
        version = str(data.get("updateTime") or f"window:{window}")
        parts = (user, data_type, day.isoformat(), version)
        found.append(
            ProviderNotification(user, data_type, NotificationKind.DATA, parts, day=day)
        )
    return ParsedBody(tuple(found))


def parse_garmin_ping(body: bytes, allowed_hosts: Collection[str]) -> ParsedBody:
    """``{"<summaryType>": [{userId, uploadStartTimeInSeconds,
    uploadEndTimeInSeconds, callbackURL, ...}]}``. Items whose callback URL is
    not https on an allow-listed host are refused; ``userAccessToken`` is
    ignored (never kept). Dedupe on (type, user, upload window)."""
    data = _object(body)
    found: list[ProviderNotification] = []
    rejected = 0
    for summary_type, entries in data.items():
        if not isinstance(entries, list) or len(entries) > MAX_ITEMS:
            raise DomainInputError(_BAD_BODY)
        for entry in entries:
            item = _garmin_item(str(summary_type), entry, allowed_hosts)
            if item is None:
                rejected += 1
            else:
                found.append(item)
    return ParsedBody(tuple(found), rejected)


def _garmin_item(
    summary_type: str, entry: object, allowed_hosts: Collection[str]
) -> ProviderNotification | None:
    if not isinstance(entry, dict):
        raise DomainInputError(_BAD_BODY)
    url = entry.get("callbackURL")
    if not isinstance(url, str) or not is_allowed_callback_url(url, allowed_hosts):
        return None
    user = _text(entry, "userId")
    window = (
        _text(entry, "uploadStartTimeInSeconds"),
        _text(entry, "uploadEndTimeInSeconds"),
    )
    parts = (summary_type, user, *window)
    return ProviderNotification(
        user, summary_type, NotificationKind.DATA, parts, fetch_url=url
    )


def _object(body: bytes) -> dict[str, object]:
    try:
        data = json.loads(body)
    except ValueError:
        raise DomainInputError(_BAD_BODY) from None
    if not isinstance(data, dict):
        raise DomainInputError(_BAD_BODY)
    return data


def _items(body: bytes) -> list[dict[str, object]]:
    try:
        data = json.loads(body)
    except ValueError:
        raise DomainInputError(_BAD_BODY) from None
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_ITEMS or not all(isinstance(i, dict) for i in items):
        raise DomainInputError(_BAD_BODY)
    return items


def _text(data: Mapping[str, object], key: str) -> str:
    """A required id-like field (string or integer) as non-empty text ≤ 128."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DomainInputError(_BAD_BODY)
    text = str(value).strip()
    if not text or len(text) > 128:
        raise DomainInputError(_BAD_BODY)
    return text


def _day(data: Mapping[str, object], key: str) -> date:
    try:
        return date.fromisoformat(_text(data, key))
    except ValueError:
        raise DomainInputError(_BAD_BODY) from None
