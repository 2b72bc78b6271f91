"""Errors services raise; routes render them, workers make them permanent."""

from __future__ import annotations

from app.core.errors import AppError, NotFoundError


class MemberNotFoundError(NotFoundError):
    code = "member_not_found"


class SourceNotFoundError(NotFoundError):
    code = "source_not_found"


class AlertNotFoundError(NotFoundError):
    code = "alert_not_found"


class WorkoutNotFoundError(NotFoundError):
    code = "workout_not_found"


class InvalidRequestError(AppError):
    status_code = 422
    code = "invalid_request"


class FieldRequiredError(InvalidRequestError):
    """A PATCH set a field that cannot be empty to null."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} cannot be null")
