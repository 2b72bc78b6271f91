"""The base of every API request and response schema, and shared field types.

Input values never appear in a validation error (they may be health data or
personal data); errors name the field and the kind of problem only.
"""

from __future__ import annotations

import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints


class ApiSchema(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)


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
