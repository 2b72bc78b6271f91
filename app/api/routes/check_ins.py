"""`POST /api/v1/check-ins`: record a gym visit (resolves churn alerts)."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter
from pydantic import AwareDatetime

from app.api.deps import DispatchDep, PrincipalDep, SessionDep
from app.api.schema import ApiSchema
from app.jobs.events.alerts import CheckInRecorded
from app.services import access, training_entries

router = APIRouter(prefix="/api/v1", tags=["training"])


class CheckInCreate(ApiSchema):
    member_id: uuid.UUID | None = None
    checked_in_at: AwareDatetime
    is_class: bool = False


class CheckInRead(ApiSchema):
    id: uuid.UUID
    member_id: uuid.UUID
    checked_in_at: dt.datetime
    is_class: bool
    event_id: str


@router.post("/check-ins", status_code=201)
async def create_check_in(
    body: CheckInCreate,
    principal: PrincipalDep,
    session: SessionDep,
    dispatch: DispatchDep,
) -> CheckInRead:
    member = await access.get_reachable_member(session, principal, body.member_id)
    check_in = await training_entries.log_check_in(
        session, member, checked_in_at=body.checked_in_at, is_class=body.is_class
    )
    [event_id] = await dispatch(
        CheckInRecorded(member_id=member.id, check_in_id=check_in.id)
    )
    return CheckInRead(
        id=check_in.id,
        member_id=member.id,
        checked_in_at=check_in.checked_in_at,
        is_class=check_in.is_class,
        event_id=event_id,
    )
