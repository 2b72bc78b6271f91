"""The base of every API request and response schema, and shared field types.

Input values never appear in a validation error (they may be health data or
personal data); errors name the field and the kind of problem only.

Text the database cannot store is refused here, in every string field of
every schema (nested lists and dicts included), with 422: NUL (PostgreSQL
text cannot hold it) and lone surrogates (not encodable as UTF-8). Before,
such a value reached the INSERT and failed there with a 500 whose error text
carried the statement's parameters.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    SecretStr,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.services.errors import FieldRequiredError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def holds_unstorable_text(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, SecretStr):
        return holds_unstorable_text(value.get_secret_value())
    if depth > 20:
        return False
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_unstorable_text(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(
            holds_unstorable_text(k, depth + 1) or holds_unstorable_text(v, depth + 1)
            for k, v in value.items()
        )
    return False


class ApiSchema(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if holds_unstorable_text(value):
            raise PydanticCustomError(
                "unstorable_text", "text holds a character that cannot be stored"
            )
        return value


def _known_time_zone(name: str) -> str:
    # OSError: a directory name such as "America" read from the tzdata package.
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("unknown IANA time zone") from None
    return name


# An IANA time zone name `zoneinfo` can load ("Europe/Paris", and legacy aliases
# such as "US/Central"): the OS database or, where the image has none, the
# `tzdata` package. An unknown name is a 422 at the edge, never a
# ZoneInfoNotFoundError in a worker.
IanaTimeZone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_known_time_zone),
]


def _printable(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("control characters are not allowed")
    return value


# Free text a person types (names): trimmed, no control characters.
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_printable),
]


def sent_fields(body: BaseModel, *, not_null: Iterable[str]) -> dict[str, Any]:
    """The fields a request set (a PATCH's changes, or a create's values);
    null for one of `not_null` is a 422 naming that field."""
    values = body.model_dump(exclude_unset=True)
    for field in not_null:
        if field in values and values[field] is None:
            raise FieldRequiredError(field)
    return values
