"""Durations, wake-up times and Retry-After values as the server reads them."""

from __future__ import annotations

import datetime
import email.utils
import re

_UNITS = {
    "ms": 0.001,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")


def parse_duration(text: str) -> float:
    """``"10m"``, ``"1h30m"``, ``"500ms"`` → seconds. Raises ValueError."""
    pos = 0
    total = 0.0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"invalid duration: {text!r}")
    return total


def parse_time(text: str) -> datetime.datetime:
    """ISO-8601 / RFC 3339 (``Z`` allowed) → aware datetime."""
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def seconds_until(when: datetime.datetime) -> float:
    return (when - now()).total_seconds()


def parse_retry_after(value: str) -> float:
    """Requested delay in seconds, clamped to [1 s, 24 h] like the server."""
    text = value.strip()
    if len(text) <= 7 and text.isdigit():
        delay = float(text)
    else:
        try:
            when = parse_time(text)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(text)
            when = parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
        delay = seconds_until(when)
    return min(max(delay, 1.0), 86400.0)


def iso(when: datetime.datetime) -> str:
    utc = when.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
