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
