"""Event ingest: validation, normalisation and internal IDs (protocol §8.1)."""

from __future__ import annotations

import base64
import binascii
import time

from .models import EventRecord, new_ulid

MIN_TS = 315532800000  # 1980-01-01
MAX_TS = 4102444800000  # 2100-01-01


class EventInvalidError(ValueError):
    pass


def internal_ids(seed: str | None, count: int) -> list[str]:
    """ULIDs, deterministic when the SDK sent ``x-inngest-event-id-seed``."""
    if seed:
        try:
            ms_text, b64 = seed.split(",", 1)
            entropy = base64.b64decode(b64, validate=True)
            if len(entropy) == 10:
                head, tail = entropy[:6], int.from_bytes(entropy[6:], "big")
                return [
                    new_ulid(
                        int(ms_text), head + ((tail + pos) % 2**32).to_bytes(4, "big")
                    )
                    for pos in range(1, count + 1)
                ]
        except (ValueError, binascii.Error):
            pass
    return [new_ulid() for _ in range(count)]


def normalise(
    raw: object, internal_id: str, *, allow_reserved: bool = False
) -> EventRecord:
    """Validate one event object and fill defaults like the event API does."""
    if not isinstance(raw, dict):
        raise EventInvalidError("event must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise EventInvalidError("event name is empty")
    if name.startswith("inngest/") and not allow_reserved:
        raise EventInvalidError(f"event name is reserved for internal use: {name}")
    data = raw.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EventInvalidError("event data must be an object")
    data = {k: v for k, v in data.items() if k != "_inngest" or allow_reserved}
    ts = raw.get("ts")
    if ts is None or ts == 0:
        ts = int(time.time() * 1000)
    if isinstance(ts, float) and ts.is_integer():
        ts = int(ts)
    if not isinstance(ts, int) or isinstance(ts, bool) or not MIN_TS <= ts <= MAX_TS:
        raise EventInvalidError("event ts must be ms between 1980 and 2100")
    user = raw.get("user")
    event_id = raw.get("id")
    version = raw.get("v")
    return EventRecord(
        internal_id=internal_id,
        name=name,
        data=data,
        id=str(event_id) if event_id else internal_id,
        ts=ts,
        user=user if isinstance(user, dict) else {},
        v=str(version) if version else None,
    )
