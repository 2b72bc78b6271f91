"""SQL about workouts and their sets."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.workout import Workout, WorkoutSet

WorkoutWithSets = tuple[Workout, list[WorkoutSet]]


async def add_workout(
    session: AsyncSession, workout: Workout, sets: Sequence[WorkoutSet]
) -> None:
    session.add(workout)
    await session.flush()
    session.add_all(sets)
    await session.flush()


async def get_workout(session: AsyncSession, workout_id: uuid.UUID) -> Workout | None:
    return await session.get(Workout, workout_id)


async def _sets_of(
    session: AsyncSession, workout_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[WorkoutSet]]:
    found: dict[uuid.UUID, list[WorkoutSet]] = {w: [] for w in workout_ids}
    if not workout_ids:
        return found
    rows = await session.scalars(
        select(WorkoutSet)
        .where(WorkoutSet.workout_id.in_(list(workout_ids)))
        .order_by(WorkoutSet.workout_id, WorkoutSet.position)
    )
    for row in rows.all():
        found[row.workout_id].append(row)
    return found


async def list_workouts(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> list[WorkoutWithSets]:
    """A member's workouts with `since <= performed_at < until`, with sets."""
    rows = await session.scalars(
        select(Workout)
        .where(
            Workout.member_id == member_id,
            Workout.performed_at >= since,
            Workout.performed_at < until,
        )
        .order_by(Workout.performed_at, Workout.id)
    )
    workouts = list(rows.all())
    sets = await _sets_of(session, [w.id for w in workouts])
    return [(w, sets[w.id]) for w in workouts]


async def list_sets_before(
    session: AsyncSession,
    member_id: uuid.UUID,
    exercises: Collection[str],
    before: dt.datetime,
) -> list[tuple[dt.datetime, WorkoutSet]]:
    """Earlier non-warm-up sets of these exercises (PR history)."""
    if not exercises:
        return []
    rows = await session.execute(
        select(Workout.performed_at, WorkoutSet)
        .join(Workout, Workout.id == WorkoutSet.workout_id)
        .where(
            Workout.member_id == member_id,
            Workout.performed_at < before,
            WorkoutSet.exercise.in_(list(exercises)),
            WorkoutSet.is_warmup.is_(False),
        )
    )
    return [(performed_at, row) for performed_at, row in rows.all()]


async def list_sets_for(
    session: AsyncSession, workout_id: uuid.UUID
) -> list[WorkoutSet]:
    return (await _sets_of(session, [workout_id]))[workout_id]
