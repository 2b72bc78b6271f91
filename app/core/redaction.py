"""Redaction of personal and health data, and of secrets, before anything is
written to a log line or sent to Sentry.

Two rules, applied recursively to dicts, lists and tuples:

- a key on the denylist (security terms, contact data, names, health metrics)
  has its value replaced, whatever the value is;
- every string value has email addresses and the Inngest event key (it sits
  in the event-API URL path, `/e/<key>`) masked, and the fragments of a
  database error that can carry values (`[SQL: ...]`, `[parameters: ...]`,
  PostgreSQL's `DETAIL:`/`Key (...)=(...)`) replaced; the engines hide
  parameters too (app/db/session.py), this is the second line.

structlog ships no redaction processor; `redact_event_dict` is ours and runs
first in the logging chain (app/core/logging.py). Sentry uses the same rules
(app/core/sentry.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

REDACTED = "[redacted]"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EVENT_KEY_PATH = re.compile(r"/e/[^/?#\s\"']+")
# SQLAlchemy's error text: `[SQL: ...]` and `[parameters: ...]` run to the end
# of their line; PostgreSQL's DETAIL line quotes the conflicting values.
SQL_FRAGMENT = re.compile(
    r"\[(?:SQL|parameters|SQL parameters):[^\n]*|DETAIL:[^\n]*|Key \([^\n]*\)=\([^\n]*\)"
)
_SQL_TRIGGERS = ("[SQL", "[parameters", "DETAIL:", "Key (")

# A key matches when, lower-cased with dashes as underscores, it equals one of
# EXACT, ends with one of SUFFIXES, or contains one of FRAGMENTS.
EXACT = frozenset(
    {
        "name",
        "key",
        "notes",
        "note",
        "dsn",
        "auth",
        "authorization",
        "cookie",
        "set_cookie",
        "session",
        "csrf",
    }
)
SUFFIXES = ("_key", "_name", "_notes", "_dsn")
FRAGMENTS = (
    # security
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "signature",
    "api_key",
    "apikey",
    "private",
    # contact data
    "email",
    "phone",
    "address",
    # health data
    "hrv",
    "rmssd",
    "sleep",
    "readiness",
    "injury",
    "heart_rate",
    "heartrate",
    "weight",
    "body_fat",
    "blood",
    "spo2",
)
# Keys that end in `_name` but name a thing of ours, never a person.
SAFE_KEYS = frozenset(
    {"event_name", "logger_name", "function_name", "step_name", "fn_name"}
)
# structlog's own fields (exc_info is rendered later, and scrubbed then).
PASSTHROUGH = frozenset({"exc_info", "stack_info", "timestamp", "level", "logger"})


_FRAGMENT = re.compile("|".join(re.escape(fragment) for fragment in FRAGMENTS))


def is_sensitive_key(key: object) -> bool:
    return isinstance(key, str) and _is_sensitive_name(key)


@functools.lru_cache(maxsize=4096)
def _is_sensitive_name(key: str) -> bool:
    # Cached: every log line and Sentry event asks about the same few keys.
    norm = key.lower().replace("-", "_")
    if norm in SAFE_KEYS:
        return False
    return (
        norm in EXACT or norm.endswith(SUFFIXES) or _FRAGMENT.search(norm) is not None
    )


def scrub_text(text: str) -> str:
    """Mask email addresses, event-key URL paths and database error fragments
    inside free text."""
    # The cheap `in` tests skip the regexes for the many strings with neither.
    if "[" in text or "DETAIL" in text or "Key (" in text:
        text = _scrub_sql(text)
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if "/e/" in text:
        text = EVENT_KEY_PATH.sub("/e/[redacted]", text)
    return text


def _scrub_sql(text: str) -> str:
    if any(trigger in text for trigger in _SQL_TRIGGERS):
        return SQL_FRAGMENT.sub(_sql_placeholder, text)
    return text


def _sql_placeholder(found: re.Match[str]) -> str:
    fragment = found.group(0)
    if fragment.startswith("["):
        return fragment[: fragment.index(":") + 1] + " [redacted]]"
    return "DETAIL: [redacted]" if fragment.startswith("DETAIL") else "Key [redacted]"


# Values with nothing to mask: returned as they are, before any other test
# (most fields of a log line are ids, codes and counts).
_ATOMS = frozenset({int, float, bool, type(None)})


def redact(value: Any, *, depth: int = 0) -> Any:
    """A copy of `value` with denylisted keys and sensitive text masked."""
    kind = type(value)
    if kind is str:
        return scrub_text(value)
    if kind in _ATOMS:
        return value
    if depth > 20:
        return REDACTED  # pathological nesting: give up on content, keep shape
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED if is_sensitive_key(k) else redact(v, depth=depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(item, depth=depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(redact(item, depth=depth + 1) for item in value)
    return value


def redact_in_place(target: MutableMapping[str, Any]) -> None:
    """`redact` on each field of a log line, in place.

    Written out for the common fields (every log line passes here): a string
    goes straight to `scrub_text` and a number stays where it is; anything
    else goes through `redact`."""
    for key, value in list(target.items()):
        if key in PASSTHROUGH or key.startswith("_"):
            continue
        if _is_sensitive_name(key):  # a line's keys are strings
            target[key] = REDACTED
            continue
        kind = type(value)
        if kind is str:
            target[key] = scrub_text(value)
        elif kind not in _ATOMS:
            target[key] = redact(value)


def redact_event_dict(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact every field (the `event` text included)."""
    redact_in_place(event_dict)
    return event_dict


def redact_exception(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor, after the exception is rendered: the one field
    added since `redact_event_dict` ran is the exception text."""
    if "exception" in event_dict:
        event_dict["exception"] = redact(event_dict["exception"])
    return event_dict
