"""Bulk seeds for the benchmarks: a gym's members and visits (churn scan), an
author and followers (feed fan-out), a member's years of training (rescoring).

Rows go through SQLAlchemy Core `insert()` in chunks, so the same column types
(UUID text, UTC datetimes) apply as in the app. Seeding is never timed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Benchmark, CheckIn, Follow, Gym, Member, Workout, WorkoutSet
from app.db.models.social import Post

CHUNK = 5_000
AT_RISK_EVERY = 100  # 1 % of members stopped coming
VISITS_PER_MEMBER = 8
EXERCISES = ("back_squat", "bench_press", "deadlift", "overhead_press", "row")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _chunks(
    rows: Iterable[dict[str, Any]], size: int
) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def bulk_insert(
    engine: AsyncEngine, table: Any, rows: Iterable[dict[str, Any]]
) -> int:
    count = 0
    for chunk in _chunks(rows, CHUNK):
        async with engine.begin() as conn:
            await conn.execute(insert(table), chunk)
        count += len(chunk)
    return count


async def add_gym(engine: AsyncEngine, at: dt.datetime) -> uuid.UUID:
    gym_id = uuid.uuid4()
    await bulk_insert(
        engine, Gym, [{"id": gym_id, "name": "bench gym", "created_at": at}]
    )
    return gym_id


@dataclasses.dataclass(frozen=True)
class ChurnGym:
    gym_id: uuid.UUID
    members: int
    visits: int
    at_risk: int


async def seed_churn_gym(engine: AsyncEngine, members: int) -> ChurnGym:
    """`members` in one gym, 8 visits each in the last 12 weeks; every 100th
    joined 60 days ago and has not come for 29 days (an alert), the rest come
    about every 10 days on a fixed-term contract (no alert)."""
    at = now()
    gym_id = await add_gym(engine, at)
    ids = [uuid.uuid4() for _ in range(members)]
    at_risk = set(ids[::AT_RISK_EVERY])

    def member_rows() -> Iterator[dict[str, Any]]:
        for member_id in ids:
            risky = member_id in at_risk
            yield {
                "id": member_id,
                "gym_id": gym_id,
                "role": "member",
                "timezone": "UTC",
                "joined_at": at - dt.timedelta(days=60 if risky else 400),
                "contract_kind": "month_to_month" if risky else "fixed_term",
                "created_at": at,
            }

    def visit_rows() -> Iterator[dict[str, Any]]:
        for index, member_id in enumerate(ids):
            if member_id in at_risk:
                days = [29 + 3 * i for i in range(VISITS_PER_MEMBER)]
            else:
                offset = index % 5
                days = [2 + offset + 10 * i for i in range(VISITS_PER_MEMBER)]
            for n, days_ago in enumerate(days):
                yield {
                    "id": uuid.uuid4(),
                    "member_id": member_id,
                    "gym_id": gym_id,
                    "checked_in_at": at - dt.timedelta(days=days_ago, hours=n % 12),
                    "is_class": n % 2 == 0,
                    "created_at": at,
                }

    await bulk_insert(engine, Member, member_rows())
    visits = await bulk_insert(engine, CheckIn, visit_rows())
    return ChurnGym(gym_id, members, visits, len(at_risk))


@dataclasses.dataclass(frozen=True)
class Audience:
    gym_id: uuid.UUID
    author_id: uuid.UUID
    followers: int


async def seed_audience(engine: AsyncEngine, followers: int) -> Audience:
    """One author followed by `followers` members of the same gym."""
    at = now()
    gym_id = await add_gym(engine, at)
    author_id = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(followers)]
    rows = (
        {
            "id": member_id,
            "gym_id": gym_id,
            "role": "member",
            "timezone": "UTC",
            "joined_at": at,
            "created_at": at,
        }
        for member_id in [author_id, *ids]
    )
    await bulk_insert(engine, Member, rows)
    follows = (
        {
            "id": uuid.uuid4(),
            "follower_id": member_id,
            "followee_id": author_id,
            "created_at": at,
        }
        for member_id in ids
    )
    await bulk_insert(engine, Follow, follows)
    return Audience(gym_id, author_id, followers)


async def add_post(engine: AsyncEngine, audience: Audience) -> uuid.UUID:
    post_id = uuid.uuid4()
    row = {
        "id": post_id,
        "author_id": audience.author_id,
        "gym_id": audience.gym_id,
        "kind": "text",
        "source": "app",
        "created_at": now(),
    }
    await bulk_insert(engine, Post, [row])
    return post_id


@dataclasses.dataclass(frozen=True)
class TrainingHistory:
    gym_id: uuid.UUID
    member_id: uuid.UUID
    workouts: int
    sets: int
    benchmarks: int
    latest_workout_id: uuid.UUID


async def seed_training_history(engine: AsyncEngine, years: float) -> TrainingHistory:
    """A member training 3-4 times a week for `years` (5 working sets of 2-3
    lifts per strength session, some runs), plus a monthly 5k benchmark; the
    latest workout is today."""
    at = now()
    rng = random.Random(7)
    gym_id = await add_gym(engine, at)
    member_id = uuid.uuid4()
    days = round(365 * years)
    await bulk_insert(
        engine,
        Member,
        [
            {
                "id": member_id,
                "gym_id": gym_id,
                "role": "member",
                "timezone": "UTC",
                "joined_at": at - dt.timedelta(days=days + 1),
                "sex": "female",
                "bodyweight_kg": 68.0,
                "created_at": at,
            }
        ],
    )
    workouts: list[dict[str, Any]] = []
    sets: list[dict[str, Any]] = []
    for days_ago in range(days, -1, -1):
        if days_ago % 7 not in (0, 2, 4) and days_ago % 14 != 5:
            continue
        workout_id = uuid.uuid4()
        progress = 1 - days_ago / max(days, 1)  # loads creep up over the years
        is_run = days_ago % 14 == 5
        workouts.append(
            {
                "id": workout_id,
                "member_id": member_id,
                "gym_id": gym_id,
                "performed_at": at - dt.timedelta(days=days_ago, hours=2),
                "tz": "UTC",
                "kind": "aerobic" if is_run else "strength",
                "minutes": 45.0 if is_run else 60.0,
                "rpe": float(rng.choice((5, 6, 7, 8))),
                "distance_m": 8_000.0 if is_run else None,
                "created_at": at,
            }
        )
        if is_run:
            continue
        lifts = rng.sample(EXERCISES, 3 if days_ago % 2 else 2)
        position = 0
        for lift in lifts:
            for _ in range(5 if len(lifts) == 2 else 3):
                sets.append(
                    {
                        "id": uuid.uuid4(),
                        "workout_id": workout_id,
                        "position": position,
                        "exercise": lift,
                        "load_kg": round(40 + 60 * progress + rng.uniform(-5, 5), 1),
                        "reps": rng.choice((3, 5, 5, 8)),
                        "rpe": 7.5,
                        "is_warmup": False,
                    }
                )
                position += 1
    benchmarks = [
        {
            "id": uuid.uuid4(),
            "member_id": member_id,
            "gym_id": gym_id,
            "code": "run_5k",
            "performed_at": at - dt.timedelta(days=days_ago, hours=1),
            "value": 1500.0 - 100 * (1 - days_ago / max(days, 1)),
            "lower_is_better": True,
            "created_at": at,
        }
        for days_ago in range(days, 0, -30)
    ]
    await bulk_insert(engine, Workout, workouts)
    await bulk_insert(engine, WorkoutSet, sets)
    await bulk_insert(engine, Benchmark, benchmarks)
    latest = max(workouts, key=lambda w: w["performed_at"])
    return TrainingHistory(
        gym_id,
        member_id,
        len(workouts),
        len(sets),
        len(benchmarks),
        latest["id"],
    )
