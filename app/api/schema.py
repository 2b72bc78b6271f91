"""The base of every API request and response schema.

Input values never appear in a validation error (they may be health data or
personal data); errors name the field and the kind of problem only.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiSchema(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
