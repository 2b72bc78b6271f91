"""A gym's people (members, coaches, owners): add, read, edit, roster, pauses.

Who may change what:

- a person edits their own profile fields (`PROFILE_FIELDS`);
- coaches and owners edit membership fields (`MEMBERSHIP_FIELDS`) of the
  gym's people; owners also edit profiles and roles;
- platform admins may do all of that in any gym (and add a gym's first owner).

A request that touches a field the caller may not edit is refused whole
(403 `field_not_editable`), so nothing is half-written. A change that alters a
computed result dispatches the follow-up work: plan and body fields rescore
the member, membership fields and pauses re-evaluate churn risk.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ConflictError, ForbiddenError, NotFoundError
from app.core.security import AdminPrincipal, Principal, Role
from app.db.models.gym import Gym, Member, MembershipPause
from app.db.repositories import member as member_repo
from app.db.repositories import pauses as pause_repo
from app.jobs.dispatch import Dispatcher
from app.jobs.events.alerts import ChurnEvaluationRequested
from app.jobs.events.scoring import MemberRescoreRequested
from app.services import access, clock, training_log
from app.services.errors import InvalidRequestError, MemberNotFoundError

PROFILE_FIELDS = frozenset(
    {"display_name", "timezone", "sex", "birth_year", "bodyweight_kg", "bodyweight_on"}
)
MEMBERSHIP_FIELDS = frozenset(
    {
        "status",
        "joined_on",
        "plan_strength_days",
        "plan_aerobic_minutes",
        "contract_kind",
        "renewal_on",
        "coach_id",
    }
)
RESCORE_FIELDS = frozenset(
    {
        "timezone",
        "plan_strength_days",
        "plan_aerobic_minutes",
        "bodyweight_kg",
        "bodyweight_on",
        "sex",
        "birth_year",
    }
)
CHURN_FIELDS = frozenset({"status", "joined_on", "contract_kind", "renewal_on"})
Caller = Principal | AdminPrincipal


class MemberExistsError(ConflictError):
    code = "member_exists"


class PauseNotFoundError(NotFoundError):
    code = "pause_not_found"


def editable_fields(caller: Caller, target: Member) -> frozenset[str]:
    if isinstance(caller, AdminPrincipal) or caller.role is Role.OWNER:
        return PROFILE_FIELDS | MEMBERSHIP_FIELDS | {"role"}
    fields: frozenset[str] = frozenset()
    if caller.user_id == target.id:
        fields |= PROFILE_FIELDS
    if caller.role is Role.COACH:
        fields |= MEMBERSHIP_FIELDS
    return fields


async def add_person(
    session: AsyncSession,
    dispatcher: Dispatcher,
    gym: Gym,
    *,
    user_id: uuid.UUID,
    values: dict[str, Any],
) -> Member:
    if await member_repo.get_member(session, user_id) is not None:
        raise MemberExistsError("a person with this user id exists")
    fields = dict(values)
    fields.setdefault("timezone", gym.timezone)
    fields.setdefault("joined_on", clock.utc_today())
    person = Member(id=user_id, gym_id=gym.id, created_at=clock.now())
    await _apply(session, person, fields)
    session.add(person)
    await session.flush()
    await _follow_up(session, dispatcher, person, set(fields))
    return person


async def reachable_person(
    session: AsyncSession, caller: Caller, member_id: uuid.UUID
) -> Member:
    if isinstance(caller, Principal):
        return await access.get_reachable_member(session, caller, member_id)
    member = await member_repo.get_member(session, member_id)
    if member is None:
        raise MemberNotFoundError()
    return member


async def update_person(
    session: AsyncSession,
    dispatcher: Dispatcher,
    caller: Caller,
    person: Member,
    changes: dict[str, Any],
) -> Member:
    refused = set(changes) - editable_fields(caller, person)
    if refused:
        raise ForbiddenError("field_not_editable")
    await _apply(session, person, changes)
    if changes:
        person.updated_at = clock.now()
    await session.flush()
    await _follow_up(session, dispatcher, person, set(changes))
    return person


async def _apply(session: AsyncSession, person: Member, values: dict[str, Any]) -> None:
    for field, value in values.items():
        if field == "joined_on":
            person.joined_at = None if value is None else joined_at(value)
        elif field == "coach_id":
            if value is not None:
                await _require_coach(session, person.gym_id, value)
            person.coach_id = value
        elif field == "role":
            person.role = Role(value).value
        else:
            setattr(person, field, value)


def joined_at(day: dt.date) -> dt.datetime:
    """A start date as an instant: noon UTC is that date in every gym's zone
    within ±12 h, so the date reads back unchanged."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def joined_on(person: Member) -> dt.date | None:
    if person.joined_at is None:
        return None
    return training_log.local_day(person.joined_at, person.timezone)


async def _require_coach(
    session: AsyncSession, gym_id: uuid.UUID, coach_id: uuid.UUID
) -> None:
    coach = await member_repo.get_member(session, coach_id)
    if coach is None or coach.gym_id != gym_id or coach.role != Role.COACH.value:
        raise InvalidRequestError("coach_id is not a coach of this gym")


async def _follow_up(
    session: AsyncSession, dispatcher: Dispatcher, person: Member, changed: set[str]
) -> None:
    if person.role != Role.MEMBER.value:
        return
    change_id = uuid.uuid4()
    events: list[MemberRescoreRequested | ChurnEvaluationRequested] = []
    if changed & RESCORE_FIELDS:
        events.append(MemberRescoreRequested(member_id=person.id, change_id=change_id))
    if changed & CHURN_FIELDS:
        events.append(_churn_check(person, change_id))
    if events:
        await dispatcher.dispatch(session, *events)


def _churn_check(person: Member, change_id: uuid.UUID) -> ChurnEvaluationRequested:
    return ChurnEvaluationRequested(
        gym_id=person.gym_id, member_id=person.id, change_id=change_id
    )


async def list_pauses(session: AsyncSession, person: Member) -> list[MembershipPause]:
    return await pause_repo.list_pauses(session, person.id)


async def add_pause(
    session: AsyncSession,
    dispatcher: Dispatcher,
    person: Member,
    *,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
) -> MembershipPause:
    if ends_on is not None and ends_on < starts_on:
        raise InvalidRequestError("ends_on is before starts_on")
    pause = MembershipPause(
        id=uuid.uuid4(),
        member_id=person.id,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
    )
    session.add(pause)
    await session.flush()
    await dispatcher.dispatch(session, _churn_check(person, pause.id))
    return pause


async def end_pause(
    session: AsyncSession,
    dispatcher: Dispatcher,
    person: Member,
    pause_id: uuid.UUID,
) -> None:
    deleted = await pause_repo.delete_pause(session, person.id, pause_id)
    if not deleted:
        raise PauseNotFoundError()
    await dispatcher.dispatch(session, _churn_check(person, uuid.uuid4()))
