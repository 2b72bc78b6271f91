"""Issue 16 #10: a post may reference only its author's own workout; another
gym's workout (or anyone else's, or none) is 404, the same answer for all."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e import scenarios
from tests.support import api_world
from tests.support.api_world import World

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures


async def workout_of(client: httpx.AsyncClient, world: World, who: str) -> str:
    created = await client.post(
        "/api/v1/workouts", json=scenarios.SPIKE, headers=world.auth(who)
    )
    assert created.status_code == 201
    return str(created.json()["id"])


async def test_a_post_references_only_the_authors_workout(
    client: httpx.AsyncClient, world: World
) -> None:
    own_id = await workout_of(client, world, "ann")
    other_gym_id = await workout_of(client, world, "zed")
    same_gym = await workout_of(client, world, "bob")
    statuses = {}
    for name, workout_id in {
        "own": own_id,
        "other gym": other_gym_id,
        "same gym, someone else": same_gym,
        "unknown": str(uuid.uuid4()),
    }.items():
        response = await client.post(
            "/api/v1/social/posts",
            json={"kind": "workout", "workout_id": workout_id},
            headers=world.auth("ann"),
        )
        statuses[name] = (response.status_code, response.json().get("code"))
    assert statuses == {
        "own": (201, None),
        "other gym": (404, "workout_not_found"),
        "same gym, someone else": (404, "workout_not_found"),
        "unknown": (404, "workout_not_found"),
    }
