"""Scoring use cases on a real database: PRs, the score upsert, idempotency."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import PersonalRecord, Score
from app.db.session import create_sessionmaker
from app.services import scoring
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
    assert components["prs"]["value"] == 100.0  # 3 PRs in 28 days
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
