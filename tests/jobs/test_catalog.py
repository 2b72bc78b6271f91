"""The event catalog: every event consumed, every worker served, IDs-and-codes
payloads only, a 2 KiB cap and value-free validation errors."""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic.fields import FieldInfo

from app.core.config import Settings
from app.jobs.events import load_catalog
from app.jobs.events.base import (
    Code,
    EventTooLargeError,
    InvalidEventError,
    PlatformEvent,
)
from app.jobs.registry import load_workers
from app.main import create_app
from tests.support.serving import serve

CANARY = "CANARY_4242_jane@example.com"
SCALARS: tuple[type, ...] = (uuid.UUID, dt.date, int, bool)


class OversizedProbe(PlatformEvent):
    """Test-only (outside app.jobs.events, so not in the catalog)."""

    name = "platform/alerts.oversized-probe"
    member_id: uuid.UUID
    codes: list[Code]


def allowed(annotation: Any) -> bool:
    """IDs and codes: UUID, date, int, bool, enums, Literals, `Code`, or `X | None`."""
    if annotation is Code or annotation in SCALARS:
        return True
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        return type(None) in args and all(a is type(None) or allowed(a) for a in args)
    return False


def annotation_of(field: FieldInfo) -> Any:
    if field.metadata and field.annotation is str:
        return Code  # `Code` is `Annotated[str, <pattern>]`, unpacked by pydantic
    return field.annotation


def test_catalog_holds_the_scoring_and_alerts_events() -> None:
    assert {
        "platform/scoring.calculate",
        "platform/alerts.injury-risk-detected",
        "platform/alerts.churn-scan-requested",
        "platform/alerts.churn-risk-detected",
        "platform/alerts.threshold-crossed",
        "platform/alerts.check-in-recorded",
    } <= set(load_catalog())


def test_every_event_has_a_consumer() -> None:
    registry = load_workers()
    orphans = [name for name in load_catalog() if not registry.consumers(name)]
    assert orphans == []


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_event_fields_are_ids_and_codes_only(name: str) -> None:
    event = load_catalog()[name]
    bad = {
        field: str(info.annotation)
        for field, info in event.model_fields.items()
        if not allowed(annotation_of(info))
    }
    assert bad == {}
    for field, info in event.model_fields.items():
        if info.annotation is str:
            pattern = info.metadata[0].pattern
            assert pattern == r"^[a-z0-9][a-z0-9_.:-]{0,63}$", field


def test_free_text_field_types_are_refused_by_the_allowlist() -> None:
    assert not allowed(str)
    assert not allowed(float)
    assert not allowed(list[Code])
    assert allowed(uuid.UUID | None)
    assert allowed(typing.Literal["a", "b"])


def test_payload_over_2_kib_is_rejected() -> None:
    event = OversizedProbe(member_id=uuid.uuid4(), codes=["code-" + "x" * 58] * 40)
    with pytest.raises(EventTooLargeError, match="max 2048"):
        event.payload()


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_invalid_data_names_fields_and_types_but_no_values(name: str) -> None:
    event = load_catalog()[name]
    data = dict.fromkeys(event.model_fields, CANARY) | {"extra": CANARY}
    with pytest.raises(InvalidEventError) as caught:
        event.from_payload(data)
    message = str(caught.value)
    assert CANARY not in message
    assert "CANARY" not in repr(caught.value.problems)
    first_field = next(iter(event.model_fields))
    assert f"{first_field}:" in message
    assert "extra:extra_forbidden" in message


@pytest.mark.db
async def test_every_worker_is_served(
    settings_factory: Callable[..., Settings],
) -> None:
    registry = load_workers()
    app = create_app(settings_factory(), registry=registry)
    served = sorted(f.local_id for f in app.state.runtime.functions)
    assert served == sorted(w.fn_id for w in registry.workers)
    async with serve(app) as server, httpx.AsyncClient() as client:
        inspection = (await client.get(f"{server.url}/api/inngest")).json()
    assert inspection["mode"] == "dev"
    assert inspection["function_count"] == len(served)
