"""JSON log lines, rendered with orjson (structlog's documented fast path).

`stamp_utc` puts the time in as a `datetime`, and orjson writes it as RFC 3339
with a `Z` (`2026-12-03T16:11:22.842140Z`, as structlog's ISO stamper does),
so a line costs one clock read and one C call to serialise. A value orjson
cannot take (an int past 64 bits, a key that is not a string, a type it does
not know) never fails the code that logs: such a line is rendered by the
standard library with `repr` for what it does not know.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import MutableMapping
from typing import Any

import orjson

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def stamp_utc(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the line's time, UTC (rendered by `render_json`)."""
    event_dict["timestamp"] = dt.datetime.now(dt.UTC)
    return event_dict


def _fallback(value: object) -> object:
    structlog_form = getattr(value, "__structlog__", None)
    if callable(structlog_form):
        return structlog_form()
    return repr(value)


def render_json(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> str:
    """structlog processor, last in the chain: the line as JSON text."""
    try:
        return orjson.dumps(event_dict, default=_fallback, option=_OPTIONS).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(event_dict, default=_stdlib_fallback)


def _stdlib_fallback(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return _fallback(value)
