"""Every API schema hides input values from validation errors (they may be
health or personal data)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from pydantic import BaseModel, ValidationError

from app.api import routes
from app.api.routes.workouts import WorkoutCreate


def api_schemas() -> list[type[BaseModel]]:
    found = []
    for info in pkgutil.iter_modules(routes.__path__, prefix=f"{routes.__name__}."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


@pytest.mark.parametrize("schema", api_schemas(), ids=lambda s: s.__name__)
def test_schema_hides_input_in_errors(schema: type[BaseModel]) -> None:
    assert schema.model_config.get("hide_input_in_errors") is True


def test_a_rejected_health_value_is_not_in_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkoutCreate.model_validate({"rpe": "HRV_CANARY_4242", "minutes": "x"})
    assert "HRV_CANARY_4242" not in str(caught.value)


def text_fields(schema: type[BaseModel]) -> list[str]:
    return [
        name
        for name, field in schema.model_fields.items()
        if "str" in str(field.annotation) or "Secret" in str(field.annotation)
    ]


INPUT_SCHEMAS = [s for s in api_schemas() if s.__name__.endswith(("Create", "Put"))]


@pytest.mark.parametrize(
    "schema",
    [s for s in INPUT_SCHEMAS if text_fields(s)],
    ids=lambda s: s.__name__,
)
@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
def test_every_text_field_refuses_unstorable_characters(
    schema: type[BaseModel], bad: str
) -> None:
    """Issue 16 #2: NUL and lone surrogates are refused by the schema (422),
    not by the database (500 with the statement's parameters)."""
    for name in text_fields(schema):
        with pytest.raises(ValidationError) as caught:
            schema.model_validate({name: bad})
        kinds = {(e["loc"][0], e["type"]) for e in caught.value.errors()}
        assert (name, "unstorable_text") in kinds


def test_nested_text_is_checked_too() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkoutCreate.model_validate(
            {"sets": [{"exercise": "squat\x00"}], "minutes": 10}
        )
    assert "unstorable_text" in {e["type"] for e in caught.value.errors()}
