"""Logging workouts, benchmarks and check-ins: who may, what is stored, 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Benchmark, CheckIn, Score, Workout, WorkoutSet
from tests.support import api_world
from tests.support.api_world import World
from tests.support.gym_builders import NOW

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures
CANARY = "CANARY_4242_jane@example.com"


def workout_body(**overrides: Any) -> dict[str, Any]:
    return {
        "performed_at": NOW.isoformat(),
        "minutes": 60,
        "rpe": 7,
        "sets": [
            {"exercise": "back_squat", "load_kg": 100, "reps": 5, "rpe": 8},
            {"exercise": "back_squat", "load_kg": 40, "reps": 8, "is_warmup": True},
        ],
        **overrides,
    }


async def count(engine: AsyncEngine, model: type[Any]) -> int:
    async with engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(model))).scalar_one()
        )


async def test_member_logs_own_workout_and_it_is_scored_inline(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(), headers=world.auth("ann")
    )
    assert response.status_code == 201
    body = response.json()
    assert body["member_id"] == str(world.id("ann"))
    assert body["sets"] == 2
    assert body["event_id"] == f"platform/scoring.calculate:workout:{body['id']}"
    assert await count(engine, Workout) == 1
    assert await count(engine, WorkoutSet) == 2
    assert await count(engine, Score) == 1  # the worker ran before the response


async def test_coach_logs_for_a_member_of_the_gym(
    client: httpx.AsyncClient, world: World
) -> None:
    body = workout_body(member_id=str(world.id("ann")))
    response = await client.post(
        "/api/v1/workouts", json=body, headers=world.auth("cara")
    )
    assert response.status_code == 201
    assert response.json()["member_id"] == str(world.id("ann"))


@pytest.mark.parametrize(
    ("who", "target"), [("ann", "bob"), ("zoe", "ann"), ("zed", "ann")]
)
async def test_other_members_and_other_gyms_get_404(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine, who: str, target: str
) -> None:
    body = workout_body(member_id=str(world.id(target)))
    response = await client.post("/api/v1/workouts", json=body, headers=world.auth(who))
    assert response.status_code == 404
    assert response.json() == {"code": "member_not_found", "detail": "member_not_found"}
    assert await count(engine, Workout) == 0


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/workouts", json=workout_body())
    assert response.status_code == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"rpe": 11},
        {"minutes": 0},
        {"performed_at": "2026-01-01T10:00:00"},  # naive
        {"kind": CANARY},
        {"sets": [{"exercise": CANARY, "reps": 5}]},
        {"tz": CANARY},
        {"performed_at": (NOW + dt.timedelta(days=3)).isoformat()},
        {"sport": CANARY},
        {"sport": "run"},  # a strength session cannot be a run
        {"kind": "aerobic", "sport": "strength", "sets": []},
    ],
)
async def test_bad_input_is_422_without_echoing_values(
    client: httpx.AsyncClient,
    world: World,
    engine: AsyncEngine,
    overrides: dict[str, Any],
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(**overrides), headers=world.auth("ann")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert "CANARY" not in response.text
    assert await count(engine, Workout) == 0


@pytest.mark.parametrize(
    ("overrides", "sport"),
    [
        ({}, "strength"),
        ({"kind": "aerobic", "sets": []}, "other"),
        ({"kind": "aerobic", "sport": "ride", "distance_m": 30000, "sets": []}, "ride"),
        ({"sport": "other"}, "other"),
    ],
)
async def test_workout_sport_is_validated_with_a_default_per_kind(
    client: httpx.AsyncClient,
    world: World,
    engine: AsyncEngine,
    overrides: dict[str, Any],
    sport: str,
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(**overrides), headers=world.auth("ann")
    )
    assert response.status_code == 201
    assert response.json()["sport"] == sport
    async with engine.connect() as conn:
        stored = (await conn.execute(select(Workout.sport))).scalar_one()
    assert stored == sport


async def test_sport_that_does_not_fit_the_kind_is_422_in_the_error_shape(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(sport="swim"), headers=world.auth("ann")
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_request",
        "detail": "sport_does_not_fit_kind",
    }


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "America", "../etc/passwd", ""])
async def test_an_unknown_time_zone_is_422_on_the_field(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine, tz: str
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(tz=tz), headers=world.auth("ann")
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert [err["loc"] for err in body["detail"]] == [["body", "tz"]]
    assert await count(engine, Workout) == 0


@pytest.mark.parametrize("tz", ["Europe/Paris", "US/Central"])
async def test_named_zones_and_legacy_aliases_are_accepted(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine, tz: str
) -> None:
    response = await client.post(
        "/api/v1/workouts", json=workout_body(tz=tz), headers=world.auth("ann")
    )
    assert response.status_code == 201
    async with engine.connect() as conn:
        assert (await conn.execute(select(Workout.tz))).scalar_one() == tz


async def test_benchmark_and_check_in_are_stored_and_dispatched(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    bench = await client.post(
        "/api/v1/benchmarks",
        json={"code": "row_2k", "performed_at": NOW.isoformat(), "value": 420.0},
        headers=world.auth("ann"),
    )
    assert bench.status_code == 201
    assert bench.json()["event_id"].startswith("platform/scoring.calculate:benchmark:")
    visit = await client.post(
        "/api/v1/check-ins",
        json={"checked_in_at": NOW.isoformat(), "is_class": True},
        headers=world.auth("ann"),
    )
    assert visit.status_code == 201
    assert visit.json()["event_id"] == (
        f"platform/alerts.check-in-recorded:{visit.json()['id']}"
    )
    assert await count(engine, Benchmark) == 1
    assert await count(engine, CheckIn) == 1
    assert await count(engine, Score) == 1  # the benchmark was scored inline
