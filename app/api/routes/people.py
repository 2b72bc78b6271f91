"""A gym's people: owners (and platform admins) add them; staff list the roster
and edit membership; people edit their own profile; staff record pauses."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Response
from pydantic import ConfigDict, Field

from app.api.deps import CallerDep, PrincipalDep, RuntimeDep, SessionDep
from app.api.error_docs import error_responses
from app.api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    next_cursor,
    parse_cursor,
)
from app.api.schema import ApiSchema, IanaTimeZone, ShortText, sent_fields
from app.core.errors import ForbiddenError
from app.core.security import Role
from app.db.models.gym import Member, MembershipPause
from app.db.repositories.roster import RosterFilter
from app.domain.churn import ContractKind, Suppression
from app.domain.values import Sex
from app.services import gyms, people, roster

router = APIRouter(
    prefix="/api/v1",
    tags=["people"],
    responses=error_responses(401, 403, 404, 409, 422),
)
MembershipStatus = Literal["active", "trial", "cancelled"]
NOT_NULL = frozenset({"timezone", "status", "contract_kind", "role"})


class PersonFields(ApiSchema):
    """Fields of a person; every one optional (PATCH sends only what changes)."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    display_name: ShortText | None = None
    timezone: IanaTimeZone | None = Field(
        default=None, description="IANA time zone; defaults to the gym's."
    )
    sex: Sex | None = Field(default=None, description="For relative-strength norms.")
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    bodyweight_kg: float | None = Field(default=None, ge=20, le=400)
    bodyweight_on: dt.date | None = Field(
        default=None, description="When the bodyweight was measured."
    )
    status: MembershipStatus | None = None
    joined_on: dt.date | None = Field(
        default=None, description="Membership start date (default: today)."
    )
    plan_strength_days: int | None = Field(
        default=None, ge=0, le=7, description="Planned strength sessions a week."
    )
    plan_aerobic_minutes: int | None = Field(
        default=None, ge=0, le=3000, description="Planned aerobic minutes a week."
    )
    contract_kind: ContractKind | None = None
    renewal_on: dt.date | None = None
    coach_id: uuid.UUID | None = Field(
        default=None, description="The coach (of this gym) this member is assigned to."
    )


class PersonCreate(PersonFields):
    user_id: uuid.UUID = Field(description="The person's `sub` in their tokens.")
    role: Role = Role.MEMBER


class PersonUpdate(PersonFields):
    role: Role | None = None


class PersonRead(ApiSchema):
    id: uuid.UUID
    gym_id: uuid.UUID
    role: str
    display_name: str | None
    status: str
    timezone: str
    joined_on: dt.date | None
    plan_strength_days: int | None
    plan_aerobic_minutes: int | None
    contract_kind: str
    renewal_on: dt.date | None
    coach_id: uuid.UUID | None
    sex: str | None
    birth_year: int | None
    bodyweight_kg: float | None
    bodyweight_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, person: Member) -> PersonRead:
        return cls(
            id=person.id,
            gym_id=person.gym_id,
            role=person.role,
            display_name=person.display_name,
            status=person.status,
            timezone=person.timezone,
            joined_on=people.joined_on(person),
            plan_strength_days=person.plan_strength_days,
            plan_aerobic_minutes=person.plan_aerobic_minutes,
            contract_kind=person.contract_kind,
            renewal_on=person.renewal_on,
            coach_id=person.coach_id,
            sex=person.sex,
            birth_year=person.birth_year,
            bodyweight_kg=person.bodyweight_kg,
            bodyweight_on=person.bodyweight_on,
            created_at=person.created_at,
            updated_at=person.updated_at,
        )


class ReadinessBrief(ApiSchema):
    day: dt.date
    score: float | None
    band: str | None


class RosterItem(ApiSchema):
    id: uuid.UUID
    role: str
    display_name: str | None
    status: str
    coach_id: uuid.UUID | None
    joined_on: dt.date | None
    risk_level: Literal["high", "elevated", "info", "none"] = Field(
        description="From the member's unresolved alerts."
    )
    open_alerts: int
    readiness: ReadinessBrief | None


class RosterPage(ApiSchema):
    items: list[RosterItem]
    next_cursor: str | None


class PauseCreate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    kind: Suppression = Field(description="freeze, holiday or injury_note.")
    starts_on: dt.date
    ends_on: dt.date | None = Field(default=None, description="Inclusive; null: open.")


class PauseRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None
    created_at: dt.datetime


@router.post("/gyms/{gym_id}/members", status_code=201)
async def add_person(
    gym_id: uuid.UUID,
    body: PersonCreate,
    caller: CallerDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> PersonRead:
    """Owners of the gym and platform admins add members, coaches and owners."""
    gym = await gyms.reachable_gym(session, caller, gym_id)
    values = sent_fields(body, not_null=NOT_NULL)
    user_id = values.pop("user_id")
    assert isinstance(user_id, uuid.UUID)  # noqa: S101 - validated by the schema
    person = await people.add_person(
        session, runtime.dispatcher, gym, user_id=user_id, values=values
    )
    return PersonRead.of(person)


@router.get("/members")
async def list_roster(
    principal: PrincipalDep,
    session: SessionDep,
    role: Role | None = None,
    status: MembershipStatus | None = None,
    coach_id: uuid.UUID | None = None,
    risk: Literal["high", "elevated"] | None = Query(
        default=None, description="At least this risk level (unresolved alerts)."
    ),
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> RosterPage:
    """The gym's people in the order they were added (coaches and owners)."""
    if not principal.is_staff:
        raise ForbiddenError("staff_only")
    where = RosterFilter(
        role=None if role is None else role.value,
        status=status,
        coach_id=coach_id,
        risk=risk,
    )
    rows = await roster.list_roster(
        session, principal.gym_id, where, after=parse_cursor(cursor), limit=limit
    )
    last = rows[-1].person if rows else None
    return RosterPage(
        items=[
            RosterItem(
                id=r.person.id,
                role=r.person.role,
                display_name=r.person.display_name,
                status=r.person.status,
                coach_id=r.person.coach_id,
                joined_on=people.joined_on(r.person),
                risk_level=r.risk.level,
                open_alerts=r.risk.open_alerts,
                readiness=None
                if r.readiness is None
                else ReadinessBrief(
                    day=r.readiness.day,
                    score=None
                    if r.readiness.score is None
                    else round(r.readiness.score, 1),
                    band=r.readiness.band,
                ),
            )
            for r in rows
        ],
        next_cursor=last
        and next_cursor(last.created_at, last.id, page_len=len(rows), limit=limit),
    )


@router.get("/members/{member_id}")
async def read_person(
    member_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> PersonRead:
    """A person of the caller's gym (staff), or the caller themself."""
    return PersonRead.of(await people.reachable_person(session, caller, member_id))


@router.patch("/members/{member_id}")
async def update_person(
    member_id: uuid.UUID,
    body: PersonUpdate,
    caller: CallerDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> PersonRead:
    """Profile fields: the person (and owners); membership fields: staff."""
    person = await people.reachable_person(session, caller, member_id)
    updated = await people.update_person(
        session,
        runtime.dispatcher,
        caller,
        person,
        sent_fields(body, not_null=NOT_NULL),
    )
    return PersonRead.of(updated)


@router.get("/members/{member_id}/pauses")
async def list_pauses(
    member_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> list[PauseRead]:
    person = await people.reachable_person(session, caller, member_id)
    return [
        PauseRead.model_validate(p) for p in await people.list_pauses(session, person)
    ]


@router.post("/members/{member_id}/pauses", status_code=201)
async def add_pause(
    member_id: uuid.UUID,
    body: PauseCreate,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> PauseRead:
    """Staff record a freeze, holiday or injury period (no churn alerts then)."""
    if not principal.is_staff:
        raise ForbiddenError("staff_only")
    person = await people.reachable_person(session, principal, member_id)
    pause: MembershipPause = await people.add_pause(
        session,
        runtime.dispatcher,
        person,
        kind=body.kind.value,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return PauseRead.model_validate(pause)


@router.delete("/members/{member_id}/pauses/{pause_id}", status_code=204)
async def end_pause(
    member_id: uuid.UUID,
    pause_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    if not principal.is_staff:
        raise ForbiddenError("staff_only")
    person = await people.reachable_person(session, principal, member_id)
    await people.end_pause(session, runtime.dispatcher, person, pause_id)
    return Response(status_code=204)
