"""SQL about workouts and their sets."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import String, cast, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.workout import Workout, WorkoutSet


class WorkoutRow(NamedTuple):
    """A workout's own columns, as plain values (the id as text)."""

    id: str
    performed_at: dt.datetime
    tz: str
    kind: str
    minutes: float
    rpe: float | None
    distance_m: float | None
    sport: str


class SetRow(NamedTuple):
    """A set's columns, as plain values (the id as text)."""

    id: str
    exercise: str
    load_kg: float
    reps: int
    rpe: float | None
    is_warmup: bool


class TopSet(NamedTuple):
    """The heaviest earlier load of one (exercise, reps, RPE), dated by the
    latest session that had that combination."""

    exercise: str
    reps: int
    rpe: float | None
    load_kg: float
    latest_at: dt.datetime


class BestSession(NamedTuple):
    """The highest earlier session tonnage of one exercise, dated by the
    exercise's latest session."""

    exercise: str
    tonnage_kg: float
    latest_at: dt.datetime


class PrHistory(NamedTuple):
    """Earlier sets of some exercises as PR checks read them."""

    top_sets: list[TopSet]
    best_sessions: list[BestSession]


WorkoutWithSets = tuple[WorkoutRow, list[SetRow]]

# Ids are read as text (CAST in SQL: the stored text on SQLite, the canonical
# form of the native uuid on PostgreSQL): the rows feed domain values keyed by
# strings, and parsing each id into a UUID and back cost a third of a load.
_SET_COLUMNS = (
    cast(WorkoutSet.id, String),
    WorkoutSet.exercise,
    WorkoutSet.load_kg,
    WorkoutSet.reps,
    WorkoutSet.rpe,
    WorkoutSet.is_warmup,
)


async def add_workout(
    session: AsyncSession, workout: Workout, sets: Sequence[WorkoutSet]
) -> None:
    session.add(workout)
    await session.flush()
    session.add_all(sets)
    await session.flush()


async def get_workout(session: AsyncSession, workout_id: uuid.UUID) -> Workout | None:
    return await session.get(Workout, workout_id)


async def list_workouts(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> list[WorkoutWithSets]:
    """A member's workouts with `since <= performed_at < until`, with sets.

    Two column queries bounded by the same range (no ORM objects): the
    workouts, then their sets through the same member and time filter."""
    in_range = (
        Workout.member_id == member_id,
        Workout.performed_at >= since,
        Workout.performed_at < until,
    )
    workouts = await session.execute(
        select(
            cast(Workout.id, String),
            Workout.performed_at,
            Workout.tz,
            Workout.kind,
            Workout.minutes,
            Workout.rpe,
            Workout.distance_m,
            Workout.sport,
        )
        .where(*in_range)
        .order_by(Workout.performed_at, Workout.id)
    )
    found: dict[str, WorkoutWithSets] = {
        row.id: (row, []) for row in (WorkoutRow(*r) for r in workouts)
    }
    sets = await session.execute(
        select(cast(WorkoutSet.workout_id, String), *_SET_COLUMNS)
        .join(Workout, Workout.id == WorkoutSet.workout_id)
        .where(*in_range)
        .order_by(WorkoutSet.workout_id, WorkoutSet.position)
    )
    for row in sets:
        workout = found.get(row[0])
        if workout is not None:  # else committed between the two reads
            workout[1].append(SetRow(*row[1:]))
    return list(found.values())


async def list_sets_for(session: AsyncSession, workout_id: uuid.UUID) -> list[SetRow]:
    rows = await session.execute(
        select(*_SET_COLUMNS)
        .where(WorkoutSet.workout_id == workout_id)
        .order_by(WorkoutSet.position)
    )
    return [SetRow(*row) for row in rows]


async def list_pr_history(
    session: AsyncSession,
    member_id: uuid.UUID,
    exercises: Collection[str],
    before: dt.datetime,
) -> PrHistory:
    """The member's non-warm-up sets of these exercises before `before`,
    reduced in SQL to a few rows per exercise: the heaviest load per (reps,
    RPE) and the best session tonnage (sum of load x reps over the sets that
    share one `performed_at`). One statement, so both read the same rows."""
    if not exercises:
        return PrHistory([], [])
    earlier = (
        select(
            WorkoutSet.exercise,
            WorkoutSet.reps,
            WorkoutSet.rpe,
            WorkoutSet.load_kg,
            Workout.performed_at,
        )
        .join(Workout, Workout.id == WorkoutSet.workout_id)
        .where(
            Workout.member_id == member_id,
            Workout.performed_at < before,
            WorkoutSet.exercise.in_(list(exercises)),
            WorkoutSet.is_warmup.is_(False),
        )
        .cte("earlier")
    )
    sessions = (
        select(
            earlier.c.exercise,
            earlier.c.performed_at,
            func.sum(earlier.c.load_kg * earlier.c.reps).label("tonnage_kg"),
        )
        .group_by(earlier.c.exercise, earlier.c.performed_at)
        .subquery()
    )
    top_sets = select(
        earlier.c.exercise,
        earlier.c.reps,
        earlier.c.rpe,
        func.max(earlier.c.load_kg),
        func.max(earlier.c.performed_at),
    ).group_by(earlier.c.exercise, earlier.c.reps, earlier.c.rpe)
    best_sessions = select(  # reps NULL marks these rows (sets always have reps)
        sessions.c.exercise,
        null(),
        null(),
        func.max(sessions.c.tonnage_kg),
        func.max(sessions.c.performed_at),
    ).group_by(sessions.c.exercise)
    found = PrHistory([], [])
    for exercise, reps, rpe, value, latest_at in await session.execute(
        union_all(top_sets, best_sessions)
    ):
        if reps is None:
            found.best_sessions.append(BestSession(exercise, value, latest_at))
        else:
            found.top_sets.append(TopSet(exercise, reps, rpe, value, latest_at))
    return found
