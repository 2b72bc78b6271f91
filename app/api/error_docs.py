"""The one error shape `{code, detail}`, declared in the OpenAPI document for
the statuses a router can answer (FastAPI would show only 200 and its own
422 schema otherwise)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.api.schema import ApiSchema

MEANING = {
    401: "No bearer token, or one that is invalid, expired or of the wrong kind.",
    403: "The caller's role may not do this.",
    404: "Not found, or in another gym (the same answer either way).",
    409: "Conflicts with what exists.",
    422: "Invalid input: `detail` lists each field's location and problem.",
}


class ErrorRead(ApiSchema):
    code: str = Field(description="A stable error code, e.g. member_not_found.")
    detail: str | list[dict[str, Any]] = Field(
        description="A short reason, or (422) one entry per invalid field."
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorRead, "description": MEANING[s]} for s in statuses}
