"""Load a member's training log as domain values (scoring and load alerts)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.gym import Member
from app.db.repositories import benchmark as benchmark_repo
from app.db.repositories import check_in as check_in_repo
from app.db.repositories import member as member_repo
from app.db.repositories import workout as workout_repo
from app.db.repositories.workout import SetRow, WorkoutRow
from app.domain.adherence import SessionKind, local_date_of
from app.domain.records import DatedResult, LiftEntry
from app.domain.sport import Sport
from app.domain.training_log import BenchmarkRecord, WorkoutRecord
from app.domain.values import LoggedSet
from app.domain.workout_records import ExerciseHistory, to_lift_entry
from app.services.errors import MemberNotFoundError

# Local dates can be a day off UTC either way: read a day more on each side.
TZ_MARGIN = dt.timedelta(days=1)


async def require_member(session: AsyncSession, member_id: uuid.UUID) -> Member:
    member = await member_repo.get_member(session, member_id)
    if member is None:
        raise MemberNotFoundError()
    return member


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def local_day(at: dt.datetime, tz: str) -> dt.date:
    return local_date_of(at, tz)


def to_logged_set(row: SetRow) -> LoggedSet:
    return LoggedSet(
        exercise=row.exercise,
        load_kg=row.load_kg,
        reps=row.reps,
        rpe=row.rpe,
        is_warmup=row.is_warmup,
    )


def to_workout_record(workout: WorkoutRow, sets: list[SetRow]) -> WorkoutRecord:
    return WorkoutRecord(
        workout_id=workout.id,
        performed_at=workout.performed_at,
        tz=workout.tz,
        kind=SessionKind(workout.kind),
        minutes=workout.minutes,
        rpe=workout.rpe,
        distance_m=workout.distance_m,
        sets=tuple((s.id, to_logged_set(s)) for s in sets),
        sport=Sport(workout.sport),
    )


async def load_workouts(
    session: AsyncSession, member_id: uuid.UUID, first: dt.date, last: dt.date
) -> list[WorkoutRecord]:
    """Workouts whose local date may fall in [first, last] (domain filters)."""
    rows = await workout_repo.list_workouts(
        session,
        member_id,
        since=start_of_day(first) - TZ_MARGIN,
        until=start_of_day(last) + 2 * TZ_MARGIN,
    )
    return [to_workout_record(w, sets) for w, sets in rows]


async def load_visit_days(
    session: AsyncSession, member: Member, first: dt.date, last: dt.date
) -> set[dt.date]:
    """The member's local dates with a gym visit in [first, last]."""
    times = await check_in_repo.list_check_in_times(
        session,
        member.id,
        since=start_of_day(first) - TZ_MARGIN,
        until=start_of_day(last) + 2 * TZ_MARGIN,
    )
    days = {local_date_of(at, member.timezone) for at in times}
    return {d for d in days if first <= d <= last}


async def load_exercise_history(
    session: AsyncSession,
    member_id: uuid.UUID,
    exercises: Collection[str],
    before: dt.datetime,
) -> dict[str, ExerciseHistory]:
    """PR history of these exercises before `before`, reduced in SQL."""
    found = await workout_repo.list_pr_history(session, member_id, exercises, before)
    tops: dict[str, list[LiftEntry]] = {}
    for top in found.top_sets:
        logged = LoggedSet(top.exercise, top.load_kg, top.reps, rpe=top.rpe)
        tops.setdefault(top.exercise, []).append(to_lift_entry(top.latest_at, logged))
    return {
        best.exercise: ExerciseHistory(
            tuple(tops.get(best.exercise, ())),
            DatedResult(best.latest_at, best.tonnage_kg),
        )
        for best in found.best_sessions
    }


async def load_benchmarks(
    session: AsyncSession, member: Member, last: dt.date
) -> list[BenchmarkRecord]:
    rows = await benchmark_repo.list_benchmarks(
        session, member.id, until=start_of_day(last) + 2 * TZ_MARGIN
    )
    return [
        BenchmarkRecord(
            str(b.id),
            b.code,
            b.performed_at,
            member.timezone,
            b.value,
            b.lower_is_better,
        )
        for b in rows
    ]
