"""The typed event contract: `platform/<category>.<action>`, IDs and codes only.

Every subclass of `PlatformEvent` is added to `CATALOG` when its module is
imported. Payloads are validated strictly, with input values hidden from
error messages (they may be health data).
"""

from __future__ import annotations

import enum
import json
import re
from typing import Annotated, Any, ClassVar, Self

import inngest
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from app.core.tracing import without_trace

NAME_PATTERN = re.compile(
    r"^platform/(scoring|alerts|sync|social|privacy)\.[a-z][a-z0-9-]*$"
)
MAX_PAYLOAD_BYTES = 2048

# A short machine code (provider names, reason codes, verbs): never free text.
Code = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.:-]{0,63}$", strict=True)
]


class Category(enum.StrEnum):
    SCORING = "scoring"
    ALERTS = "alerts"
    SYNC = "sync"
    SOCIAL = "social"
    PRIVACY = "privacy"  # erasure: crosses the four worker categories


class InvalidEventError(ValueError):
    """An event payload does not match its model. Carries field paths only."""

    def __init__(self, event_name: str, problems: list[str]) -> None:
        self.event_name = event_name
        self.problems = problems
        super().__init__(f"invalid payload for {event_name}: {', '.join(problems)}")


class EventTooLargeError(ValueError):
    def __init__(self, event_name: str, size: int) -> None:
        super().__init__(
            f"payload of {event_name} is {size} bytes (max {MAX_PAYLOAD_BYTES})"
        )


CATALOG: dict[str, type[PlatformEvent]] = {}


class PlatformEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    name: ClassVar[str]
    # The field holding the resource the event is about (logs, Sentry tags).
    resource_field: ClassVar[str] = "member_id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return  # an abstract intermediate class
        if not NAME_PATTERN.match(name):
            raise TypeError(f"event name {name!r} is not platform/<category>.<action>")
        if name in CATALOG:
            raise TypeError(f"event name {name!r} is declared twice")
        CATALOG[name] = cls

    @classmethod
    def category(cls) -> Category:
        return Category(cls.name.split("/", 1)[1].split(".", 1)[0])

    def resource_id(self) -> str:
        return str(getattr(self, self.resource_field))

    def dedupe_key(self) -> str | None:
        """A stable key when the event means "this happened once"; None otherwise.

        Dispatching two events with the same key stores and sends one.
        """
        return None

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json")
        size = len(json.dumps(data, separators=(",", ":")).encode())
        if size > MAX_PAYLOAD_BYTES:
            raise EventTooLargeError(self.name, size)
        return data

    @classmethod
    def from_payload(cls, data: object) -> Self:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(p) for p in err['loc']) or '<root>'}:{err['type']}"
                for err in exc.errors(include_input=False, include_url=False)
            ]
            raise InvalidEventError(cls.name, problems) from None

    @classmethod
    def from_inngest(cls, event: inngest.Event) -> Self:
        return cls.from_payload(without_trace(event.data))


def event_class(name: str) -> type[PlatformEvent]:
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown event {name!r}") from None
