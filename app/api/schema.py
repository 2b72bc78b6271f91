"""The base of every API request and response schema.

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
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator
from pydantic_core import PydanticCustomError

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
