"""Reading a member's score history: explanations, pagination, access."""

from __future__ import annotations

import httpx
import pytest

from tests.support import api_world
from tests.support.api_world import World
from tests.support.gym_builders import at_days_ago

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures


async def log_workouts(
    client: httpx.AsyncClient, world: World, days_ago: list[int]
) -> None:
    for days in days_ago:
        body = {
            "performed_at": at_days_ago(days).isoformat(),
            "minutes": 45,
            "rpe": 6,
            "sets": [
                {"exercise": "bench_press", "load_kg": 60 + days, "reps": 5, "rpe": 8}
            ],
        }
        response = await client.post(
            "/api/v1/workouts", json=body, headers=world.auth("ann")
        )
        assert response.status_code == 201


async def test_history_pages_newest_first_with_explanations(
    client: httpx.AsyncClient, world: World
) -> None:
    await log_workouts(client, world, [9, 6, 3])
    url = f"/api/v1/members/{world.id('ann')}/scores"
    first = (
        await client.get(url, params={"limit": 2}, headers=world.auth("ann"))
    ).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    second = await client.get(
        url,
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=world.auth("ann"),
    )
    rest = second.json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    periods = [i["period_on"] for i in first["items"] + rest["items"]]
    assert periods == [at_days_ago(d).date().isoformat() for d in (3, 6, 9)]
    latest = first["items"][0]
    assert latest["config_version"] == "progress-v1"
    assert {c["component"] for c in latest["components"]} >= {"adherence", "prs"}
    assert all(set(r) == {"code", "component", "text"} for r in latest["reasons"])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ann", 200),
        ("cara", 200),
        ("olga", 200),
        ("bob", 404),
        ("zoe", 404),
        ("zed", 404),
    ],
)
async def test_only_the_member_and_their_gyms_staff_can_read(
    client: httpx.AsyncClient, world: World, who: str, status: int
) -> None:
    url = f"/api/v1/members/{world.id('ann')}/scores"
    response = await client.get(url, headers=world.auth(who))
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "member_not_found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "not-a-cursor!"}, "invalid_request"),
        ({"limit": 0}, "invalid_request"),
        ({"limit": 101}, "invalid_request"),
    ],
)
async def test_bad_paging_parameters_are_422(
    client: httpx.AsyncClient, world: World, params: dict[str, str | int], code: str
) -> None:
    url = f"/api/v1/members/{world.id('ann')}/scores"
    response = await client.get(url, params=params, headers=world.auth("ann"))
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert "not-a-cursor" not in response.text
