"""Builders for gyms, members and their training log, plus bearer tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.security import Principal, Role, issue_token
from app.db.models import CheckIn, Gym, Member, Workout, WorkoutSet
from app.db.session import create_sessionmaker

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def at_days_ago(days: float, *, now: dt.datetime = NOW) -> dt.datetime:
    return now - dt.timedelta(days=days)


def add_gym(session: AsyncSession, **fields: Any) -> Gym:
    gym = Gym(id=uuid.uuid4(), name=fields.pop("name", "test gym"), **fields)
    session.add(gym)
    return gym


def add_member(
    session: AsyncSession, gym: Gym, role: str = "member", **fields: Any
) -> Member:
    fields.setdefault("joined_at", at_days_ago(400))
    member = Member(id=uuid.uuid4(), gym_id=gym.id, role=role, **fields)
    session.add(member)
    return member


async def add_workout(
    session: AsyncSession,
    member: Member,
    performed_at: dt.datetime,
    *,
    minutes: float = 60,
    rpe: float | None = 6,
    kind: str = "strength",
    distance_m: float | None = None,
    sport: str | None = None,
    sets: Iterable[tuple[str, float, int, float | None]] = (),
) -> Workout:
    workout = Workout(
        id=uuid.uuid4(),
        member_id=member.id,
        gym_id=member.gym_id,
        performed_at=performed_at,
        tz=member.timezone or "UTC",
        kind=kind,
        minutes=minutes,
        rpe=rpe,
        distance_m=distance_m,
    )
    if sport is not None:
        workout.sport = sport
    session.add(workout)
    await session.flush()  # sets reference the workout row
    for position, (exercise, load, reps, set_rpe) in enumerate(sets):
        session.add(
            WorkoutSet(
                workout_id=workout.id,
                position=position,
                exercise=exercise,
                load_kg=load,
                reps=reps,
                rpe=set_rpe,
                is_warmup=False,
            )
        )
    return workout


async def add_steady_training(
    session: AsyncSession, member: Member, *, weeks: int = 5, now: dt.datetime = NOW
) -> list[Workout]:
    """3 sessions a week (60 min at RPE 6 = 360 AU), ending the day before `now`."""
    offsets = [d for d in range(1, 7 * weeks + 1) if d % 7 in (1, 3, 5)]
    return [
        await add_workout(session, member, at_days_ago(d, now=now)) for d in offsets
    ]


def add_visits(
    session: AsyncSession,
    member: Member,
    days_ago: Iterable[int],
    *,
    is_class: bool = False,
    now: dt.datetime = NOW,
) -> None:
    for days in days_ago:
        session.add(
            CheckIn(
                member_id=member.id,
                gym_id=member.gym_id,
                checked_in_at=at_days_ago(days, now=now),
                is_class=is_class,
            )
        )


def principal_of(member: Member) -> Principal:
    return Principal(user_id=member.id, gym_id=member.gym_id, role=Role(member.role))


def bearer(settings: Settings, member: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, principal_of(member))}"}


async def open_session(engine: AsyncEngine) -> AsyncSession:
    return create_sessionmaker(engine)()
