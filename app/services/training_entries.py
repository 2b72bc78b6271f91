"""Logging use cases: store a workout, a benchmark result or a gym visit.

Routes call these, then dispatch the matching event in the same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.benchmark import Benchmark
from app.db.models.check_in import CheckIn
from app.db.models.gym import Member
from app.db.models.workout import Workout, WorkoutSet
from app.db.repositories import benchmark as benchmark_repo
from app.db.repositories import check_in as check_in_repo
from app.db.repositories import workout as workout_repo
from app.domain import sport as sports
from app.domain.adherence import SessionKind
from app.domain.sport import Sport
from app.services import clock
from app.services.errors import InvalidRequestError

MAX_FUTURE = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class SetEntry:
    exercise: str
    load_kg: float
    reps: int
    rpe: float | None = None
    minutes: float | None = None
    is_warmup: bool = False


@dataclasses.dataclass(frozen=True)
class WorkoutEntry:
    performed_at: dt.datetime
    kind: str
    minutes: float
    rpe: float | None = None
    distance_m: float | None = None
    tz: str | None = None
    sets: tuple[SetEntry, ...] = ()
    sport: str | None = None


def _check_time(at: dt.datetime) -> None:
    if at > clock.now() + MAX_FUTURE:
        raise InvalidRequestError("performed_at_in_future")


def _check_sport(kind: str, sport: str | None) -> str:
    """The stored sport: validated against the list and the kind (422 else)."""
    try:
        given = None if sport is None else Sport(sport)
        return sports.resolve_sport(SessionKind(kind), given).value
    except (ValueError, sports.SportMismatchError):
        raise InvalidRequestError("sport_does_not_fit_kind") from None


def _check_tz(tz: str) -> str:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidRequestError("unknown_time_zone") from None
    return tz


async def log_workout(
    session: AsyncSession, member: Member, entry: WorkoutEntry
) -> Workout:
    _check_time(entry.performed_at)
    workout = Workout(
        id=uuid.uuid4(),
        member_id=member.id,
        gym_id=member.gym_id,
        performed_at=entry.performed_at,
        tz=_check_tz(entry.tz or member.timezone),
        kind=entry.kind,
        sport=_check_sport(entry.kind, entry.sport),
        minutes=entry.minutes,
        rpe=entry.rpe,
        distance_m=entry.distance_m,
    )
    sets = [
        WorkoutSet(workout_id=workout.id, position=i, **dataclasses.asdict(s))
        for i, s in enumerate(entry.sets)
    ]
    await workout_repo.add_workout(session, workout, sets)
    return workout


async def log_benchmark(
    session: AsyncSession,
    member: Member,
    *,
    code: str,
    performed_at: dt.datetime,
    value: float,
    lower_is_better: bool,
) -> Benchmark:
    _check_time(performed_at)
    benchmark = Benchmark(
        member_id=member.id,
        gym_id=member.gym_id,
        code=code,
        performed_at=performed_at,
        value=value,
        lower_is_better=lower_is_better,
    )
    await benchmark_repo.add_benchmark(session, benchmark)
    return benchmark


async def log_check_in(
    session: AsyncSession, member: Member, *, checked_in_at: dt.datetime, is_class: bool
) -> CheckIn:
    _check_time(checked_in_at)
    check_in = CheckIn(
        member_id=member.id,
        gym_id=member.gym_id,
        checked_in_at=checked_in_at,
        is_class=is_class,
    )
    await check_in_repo.add_check_in(session, check_in)
    return check_in
