"""Scoring use cases on a real database: PRs, the score upsert, idempotency."""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.models import Member, PersonalRecord, Score, Workout, WorkoutSet
from app.db.repositories import workout as workout_repo
from app.db.session import create_sessionmaker
from app.domain.values import LoggedSet
from app.domain.workout_records import (
    find_workout_records,
    summarize_history,
    to_lift_entry,
)
from app.services import scoring, training_log
from app.services.errors import MemberNotFoundError, SourceNotFoundError
from tests.support.gym_builders import add_gym, add_member, add_workout, at_days_ago

pytestmark = pytest.mark.db

SQUAT = "back_squat"


async def seed_member_with_progress(engine: AsyncEngine) -> tuple[uuid.UUID, uuid.UUID]:
    """8 weeks ago squat 100x5 @RPE8, today 110x5 @RPE8: a new e1RM and rep PR."""
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        member = add_member(session, gym, timezone="UTC")
        await session.flush()
        await add_workout(session, member, at_days_ago(60), sets=[(SQUAT, 100, 5, 8)])
        await add_workout(session, member, at_days_ago(20), sets=[(SQUAT, 100, 5, 8)])
        today = await add_workout(
            session,
            member,
            at_days_ago(0),
            sets=[(SQUAT, 110, 5, 8), (SQUAT, 40, 5, None)],
        )
        return member.id, today.id


async def count(engine: AsyncEngine, model: type[Score] | type[PersonalRecord]) -> int:
    async with engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(model))).scalar_one()
        )


async def test_prs_are_recorded_once_per_key(engine: AsyncEngine) -> None:
    member_id, workout_id = await seed_member_with_progress(engine)
    maker = create_sessionmaker(engine)
    for _ in range(2):  # the second run is a no-op
        async with maker() as session, session.begin():
            await scoring.record_prs(session, member_id, "workout", workout_id)
    async with maker() as session:
        rows = (await session.scalars(select(PersonalRecord))).all()
    kinds = sorted((r.kind, r.rep_bucket, r.notify) for r in rows)
    assert kinds == [("e1rm", 0, True), ("rep", 5, True), ("volume", 0, True)]
    assert {r.previous_best for r in rows if r.kind == "rep"} == {100}


async def test_first_ever_entry_is_a_silent_baseline(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        member = add_member(session, gym)
        await session.flush()
        workout = await add_workout(
            session, member, at_days_ago(0), sets=[(SQUAT, 80, 5, 9)]
        )
        await session.flush()
        await scoring.record_prs(session, member.id, "workout", workout.id)
        rows = (await session.scalars(select(PersonalRecord))).all()
    assert rows
    assert all(r.notify is False for r in rows)


async def test_score_is_one_row_per_member_and_period_with_explanation(
    engine: AsyncEngine,
) -> None:
    member_id, workout_id = await seed_member_with_progress(engine)
    maker = create_sessionmaker(engine)
    ids = []
    for _ in range(2):
        async with maker() as session, session.begin():
            await scoring.record_prs(session, member_id, "workout", workout_id)
            ids.append(
                await scoring.save_progress_score(
                    session, member_id, "workout", workout_id
                )
            )
    assert ids[0] == ids[1]
    assert await count(engine, Score) == 1
    async with maker() as session:
        score = (await session.scalars(select(Score))).one()
    assert score.config_version == "progress-v1"
    components = {c["component"]: c for c in score.components}
    # e1RM squat: 100x5@8 (Epley, 7 reps) -> 110x5@8: +10 % -> strength 100
    assert components["strength"]["value"] == 100.0
    assert components["strength"]["input"] == "+10.0 % e1RM back_squat"
    # e1RM, rep and volume PRs on one exercise in one session: 1 PR for scoring
    assert components["prs"]["value"] == 33.3
    assert components["prs"]["input"] == "1 PR in the last 28 days"
    assert await count(engine, PersonalRecord) == 3  # every variant still stored
    assert "endurance" not in components  # no benchmark: dropped, renormalised
    codes = [r["code"] for r in score.reasons]
    assert "component_missing" in codes
    assert score.score is not None
    assert 0 <= score.score <= 100


async def test_unknown_member_or_source_is_a_not_found_error(
    engine: AsyncEngine,
) -> None:
    member_id, _ = await seed_member_with_progress(engine)
    async with create_sessionmaker(engine)() as session:
        with pytest.raises(MemberNotFoundError):
            await scoring.record_prs(session, uuid.uuid4(), "workout", uuid.uuid4())
        with pytest.raises(SourceNotFoundError):
            await scoring.save_progress_score(
                session, member_id, "benchmark", uuid.uuid4()
            )


def add_warmup(session: AsyncSession, workout: Workout, load: float, reps: int) -> None:
    session.add(
        WorkoutSet(
            workout_id=workout.id,
            position=99,
            exercise=SQUAT,
            load_kg=load,
            reps=reps,
            is_warmup=True,
        )
    )


async def stored_records(
    engine: AsyncEngine, workout: Workout
) -> list[tuple[str, int, float, float | None, bool]]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(PersonalRecord).where(
                PersonalRecord.achieved_at == workout.performed_at
            )
        )
        found = [
            (r.kind, r.rep_bucket, r.value, r.previous_best, r.notify) for r in rows
        ]
    return sorted(found)


async def test_prs_are_judged_against_earlier_sets_only(engine: AsyncEngine) -> None:
    """Rescoring an older workout once a later, heavier one exists gives the
    same answer: later workouts, warm-ups and other members never count."""
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        member = add_member(session, gym, timezone="UTC")
        other = add_member(session, gym, timezone="UTC")
        await session.flush()
        await add_workout(session, other, at_days_ago(90), sets=[(SQUAT, 200, 5, 8)])
        first = await add_workout(
            session, member, at_days_ago(60), sets=[(SQUAT, 100, 5, 8)]
        )
        add_warmup(session, first, 150, 5)
        middle = await add_workout(
            session, member, at_days_ago(30), sets=[(SQUAT, 105, 5, 8)]
        )
        later = await add_workout(
            session, member, at_days_ago(10), sets=[(SQUAT, 120, 5, 8)]
        )
        member_id = member.id
    maker = create_sessionmaker(engine)
    counts = []
    for workout in (later, middle, middle):  # out of date order, then a re-run
        async with maker() as session, session.begin():
            counts.append(
                await scoring.record_prs(session, member_id, "workout", workout.id)
            )
    assert counts == [3, 3, 3]
    e1rm = 105 * (1 + 7 / 30)  # 5 reps @ RPE 8 -> 7 effective reps (Epley)
    assert await stored_records(engine, middle) == [
        ("e1rm", 0, pytest.approx(e1rm), pytest.approx(100 * (1 + 7 / 30)), True),
        ("rep", 5, 105, 100, True),
        ("volume", 0, 525, 500, True),
    ]


async def test_a_tie_with_an_earlier_workout_is_not_a_pr(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        member = add_member(session, gym, timezone="UTC")
        await session.flush()
        sets = [(SQUAT, 102.5, 5, 8), (SQUAT, 90, 8, None)]
        await add_workout(session, member, at_days_ago(20), sets=sets)
        again = await add_workout(session, member, at_days_ago(10), sets=sets)
        await session.flush()
        assert await scoring.record_prs(session, member.id, "workout", again.id) == 0


async def seed_random_log(
    session: AsyncSession, rng: random.Random
) -> tuple[Member, list[Workout]]:
    """Workouts of two exercises with warm-ups, unrated and failed sets, and
    two workouts at the very same time (one session for volume)."""
    gym = add_gym(session)
    member = add_member(session, gym, timezone="UTC")
    await session.flush()
    days = sorted(rng.sample(range(1, 200), 25), reverse=True)
    workouts = []
    for day in [*days, days[5]]:
        sets = [
            (
                rng.choice((SQUAT, "bench_press")),
                rng.choice((40, 60, 80, 95, 100, 102.5, 105, 110)),
                rng.choice((0, 1, 3, 5, 5, 8, 10, 12, 15)),
                rng.choice((None, 6, 7, 7.5, 8, 9, 10)),
            )
            for _ in range(rng.randint(1, 6))
        ]
        workout = await add_workout(session, member, at_days_ago(day), sets=sets)
        if rng.random() < 0.3:
            add_warmup(session, workout, rng.choice((100, 140)), 5)
        workouts.append(workout)
    await session.flush()
    return member, workouts


async def test_sql_reduced_history_judges_like_every_earlier_set(
    engine: AsyncEngine,
) -> None:
    """The history aggregated in SQL gives the same PRs as the full list of
    earlier non-warm-up sets (the domain's reduction of it)."""
    async with create_sessionmaker(engine)() as session, session.begin():
        member, workouts = await seed_random_log(session, random.Random(5))
        rows = await session.execute(
            select(Workout.performed_at, WorkoutSet)
            .join(Workout, Workout.id == WorkoutSet.workout_id)
            .where(Workout.member_id == member.id, WorkoutSet.is_warmup.is_(False))
        )
        everything = [
            (
                s.exercise,
                to_lift_entry(at, LoggedSet(s.exercise, s.load_kg, s.reps, s.rpe)),
            )
            for at, s in rows
        ]
        for workout in workouts:
            sets = [
                (row.id, training_log.to_logged_set(row))
                for row in await workout_repo.list_sets_for(session, workout.id)
            ]
            exercises = {s.exercise for _, s in sets}
            from_sql = await training_log.load_exercise_history(
                session, member.id, exercises, workout.performed_at
            )
            by_hand = {
                ex: summarize_history(
                    [e for x, e in everything if x == ex], workout.performed_at
                )
                for ex in exercises
            }
            assert find_workout_records("w", workout.performed_at, sets, from_sql) == (
                find_workout_records("w", workout.performed_at, sets, by_hand)
            )
