"""`/api/v1/gyms`: platform admins create gyms; admins and owners read and
update them."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from app.api.deps import AdminDep, CallerDep, SessionDep
from app.api.error_docs import error_responses
from app.api.schema import ApiSchema, IanaTimeZone, ShortText, sent_fields
from app.services import gyms

router = APIRouter(
    prefix="/api/v1/gyms",
    tags=["gyms"],
    responses=error_responses(401, 403, 404, 422),
)


class GymCreate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    name: ShortText = Field(description="The gym's name as members see it.")
    timezone: IanaTimeZone = Field(
        default="UTC", description="IANA time zone of the gym, e.g. Europe/Oslo."
    )


class GymUpdate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    name: ShortText | None = None
    timezone: IanaTimeZone | None = None


class GymRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    timezone: str
    created_at: dt.datetime
    updated_at: dt.datetime | None


@router.post("", status_code=201)
async def create_gym(body: GymCreate, admin: AdminDep, session: SessionDep) -> GymRead:
    """Platform admins only. Add its first owner with `POST /gyms/{id}/members`."""
    gym = await gyms.create_gym(session, name=body.name, timezone=body.timezone)
    return GymRead.model_validate(gym)


@router.get("/{gym_id}")
async def read_gym(
    gym_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> GymRead:
    gym = await gyms.reachable_gym(session, caller, gym_id)
    return GymRead.model_validate(gym)


@router.patch("/{gym_id}")
async def update_gym(
    gym_id: uuid.UUID, body: GymUpdate, caller: CallerDep, session: SessionDep
) -> GymRead:
    changes = sent_fields(body, not_null=gyms.GYM_FIELDS)
    gym = await gyms.reachable_gym(session, caller, gym_id)
    return GymRead.model_validate(await gyms.update_gym(session, gym, changes))
