"""Provisioning: gyms (platform admins, owners), people, roster, pauses.

Per role and tenant: another gym's resources are 404, a wrong role is 403,
bad input is 422 in the `{code, detail}` shape and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.security import issue_admin_token
from app.db.models import Alert, Gym, Member, MembershipPause, Score
from app.db.repositories import alert as alert_repo
from app.db.session import create_sessionmaker
from tests.support import api_world
from tests.support.api_world import World
from tests.support.gym_builders import NOW

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures


def admin(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_admin_token(world.settings, 'ops')}"}


async def count(engine: AsyncEngine, model: Any) -> int:
    async with create_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_admin_creates_a_gym_and_its_first_owner(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    made = await client.post(
        "/api/v1/gyms",
        json={"name": "  North Box ", "timezone": "Europe/Oslo"},
        headers=admin(world),
    )
    assert made.status_code == 201, made.text
    gym = made.json()
    assert (gym["name"], gym["timezone"]) == ("North Box", "Europe/Oslo")
    owner_id = str(uuid.uuid4())
    owner = await client.post(
        f"/api/v1/gyms/{gym['id']}/members",
        json={"user_id": owner_id, "role": "owner", "display_name": "Nora"},
        headers=admin(world),
    )
    assert owner.status_code == 201, owner.text
    assert owner.json()["timezone"] == "Europe/Oslo"  # the gym's by default
    assert owner.json()["joined_on"] is not None


async def test_people_tokens_cannot_create_gyms_nor_admin_tokens_act_as_people(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    before = await count(engine, Gym)
    for who in ("olga", "cara", "ann"):
        refused = await client.post(
            "/api/v1/gyms", json={"name": "x"}, headers=world.auth(who)
        )
        assert refused.status_code == 401
        assert refused.json()["code"] == "unauthorized"
    assert await count(engine, Gym) == before
    # An admin token is no person of any gym: person-only routes refuse it.
    me = await client.get("/api/v1/me", headers=admin(world))
    assert me.status_code == 401
    roster = await client.get("/api/v1/members", headers=admin(world))
    assert roster.status_code == 401


async def test_bad_gym_input_is_422_with_field_paths_and_writes_nothing(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    before = await count(engine, Gym)
    for body in (
        {"name": "A", "timezone": "Mars/Olympus"},
        {"name": ""},
        {"name": "A", "colour": "red"},
        {"name": "bad\x00name"},
    ):
        answer = await client.post("/api/v1/gyms", json=body, headers=admin(world))
        assert answer.status_code == 422, body
        assert answer.json()["code"] == "invalid_request"
        assert answer.json()["detail"][0]["loc"][0] == "body"
    assert await count(engine, Gym) == before


async def test_owner_reads_and_updates_own_gym_only(
    client: httpx.AsyncClient, world: World
) -> None:
    home = world.members["olga"].gym_id
    away = world.members["zed"].gym_id
    read = await client.get(f"/api/v1/gyms/{home}", headers=world.auth("olga"))
    assert read.status_code == 200
    patched = await client.patch(
        f"/api/v1/gyms/{home}",
        json={"timezone": "America/Chicago"},
        headers=world.auth("olga"),
    )
    assert patched.status_code == 200
    assert patched.json()["timezone"] == "America/Chicago"
    assert patched.json()["updated_at"] is not None
    other = await client.get(f"/api/v1/gyms/{away}", headers=world.auth("olga"))
    assert (other.status_code, other.json()["code"]) == (404, "gym_not_found")
    coach = await client.patch(
        f"/api/v1/gyms/{home}", json={"name": "x"}, headers=world.auth("cara")
    )
    assert coach.status_code == 403
    null = await client.patch(
        f"/api/v1/gyms/{home}", json={"name": None}, headers=world.auth("olga")
    )
    assert null.status_code == 422


async def test_owner_adds_people_of_every_role_and_cannot_add_elsewhere(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    home = world.members["olga"].gym_id
    away = world.members["zed"].gym_id
    coach = await client.post(
        f"/api/v1/gyms/{home}/members",
        json={"user_id": str(uuid.uuid4()), "role": "coach"},
        headers=world.auth("olga"),
    )
    assert coach.status_code == 201
    member = await client.post(
        f"/api/v1/gyms/{home}/members",
        json={
            "user_id": str(uuid.uuid4()),
            "display_name": "Dee",
            "joined_on": "2026-01-15",
            "plan_strength_days": 3,
            "birth_year": 1990,
            "sex": "female",
            "bodyweight_kg": 64.5,
            "bodyweight_on": "2026-11-30",
            "coach_id": coach.json()["id"],
        },
        headers=world.auth("olga"),
    )
    assert member.status_code == 201, member.text
    body = member.json()
    assert body["joined_on"] == "2026-01-15"
    assert body["coach_id"] == coach.json()["id"]
    before = await count(engine, Member)
    elsewhere = await client.post(
        f"/api/v1/gyms/{away}/members",
        json={"user_id": str(uuid.uuid4())},
        headers=world.auth("olga"),
    )
    assert elsewhere.status_code == 404
    by_coach = await client.post(
        f"/api/v1/gyms/{home}/members",
        json={"user_id": str(uuid.uuid4())},
        headers=world.auth("cara"),
    )
    assert by_coach.status_code == 403
    twice = await client.post(
        f"/api/v1/gyms/{home}/members",
        json={"user_id": body["id"]},
        headers=world.auth("olga"),
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "member_exists")
    foreign_coach = await client.post(
        f"/api/v1/gyms/{home}/members",
        json={"user_id": str(uuid.uuid4()), "coach_id": str(world.id("zoe"))},
        headers=world.auth("olga"),
    )
    assert foreign_coach.status_code == 422
    assert await count(engine, Member) == before


async def test_members_edit_their_profile_not_their_membership(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    ann = world.id("ann")
    own = await client.patch(
        f"/api/v1/members/{ann}",
        json={"bodyweight_kg": 70.0, "bodyweight_on": "2026-12-01"},
        headers=world.auth("ann"),
    )
    assert own.status_code == 200, own.text
    assert own.json()["bodyweight_kg"] == 70.0
    # A profile change rescored the member inline (a score for today exists).
    assert await count(engine, Score) == 1
    mixed = await client.patch(
        f"/api/v1/members/{ann}",
        json={"display_name": "Ann", "plan_strength_days": 5},
        headers=world.auth("ann"),
    )
    assert (mixed.status_code, mixed.json()["detail"]) == (403, "field_not_editable")
    unchanged = await client.get(f"/api/v1/members/{ann}", headers=world.auth("ann"))
    assert unchanged.json()["display_name"] is None  # nothing half-written
    other = await client.patch(
        f"/api/v1/members/{world.id('bob')}",
        json={"display_name": "B"},
        headers=world.auth("ann"),
    )
    assert other.status_code == 404


async def test_staff_edit_membership_and_assign_coaches(
    client: httpx.AsyncClient, world: World
) -> None:
    ann = world.id("ann")
    coach = await client.patch(
        f"/api/v1/members/{ann}",
        json={"status": "trial", "coach_id": str(world.id("cara"))},
        headers=world.auth("cara"),
    )
    assert coach.status_code == 200, coach.text
    assert coach.json()["coach_id"] == str(world.id("cara"))
    profile = await client.patch(
        f"/api/v1/members/{ann}", json={"birth_year": 1980}, headers=world.auth("cara")
    )
    assert profile.status_code == 403
    role = await client.patch(
        f"/api/v1/members/{ann}", json={"role": "coach"}, headers=world.auth("cara")
    )
    assert role.status_code == 403
    cross = await client.patch(
        f"/api/v1/members/{world.id('zed')}",
        json={"status": "cancelled"},
        headers=world.auth("cara"),
    )
    assert cross.status_code == 404
    bad_zone = await client.patch(
        f"/api/v1/members/{ann}",
        json={"timezone": "US/Nowhere"},
        headers=world.auth("olga"),
    )
    assert bad_zone.status_code == 422


async def test_roster_filters_and_pages_with_risk_levels(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    ann, bob = world.members["ann"], world.members["bob"]
    async with create_sessionmaker(engine)() as session, session.begin():
        await alert_repo.add_alert(
            session,
            {
                "gym_id": ann.gym_id,
                "member_id": ann.id,
                "kind": "injury_risk",
                "rule": "acwr",
                "level": "high",
                "reasons": [],
                "alert_on": NOW.date(),
                "created_at": NOW,
            },
        )
        await alert_repo.add_alert(
            session,
            {
                "gym_id": bob.gym_id,
                "member_id": bob.id,
                "kind": "churn_risk",
                "level": "medium",
                "reasons": [],
                "alert_on": NOW.date(),
                "created_at": NOW,
            },
        )
    members = await client.get(
        "/api/v1/members", params={"role": "member"}, headers=world.auth("cara")
    )
    assert members.status_code == 200
    levels = {i["id"]: i["risk_level"] for i in members.json()["items"]}
    assert levels == {str(ann.id): "high", str(bob.id): "elevated"}
    high = await client.get(
        "/api/v1/members", params={"risk": "high"}, headers=world.auth("olga")
    )
    assert [i["id"] for i in high.json()["items"]] == [str(ann.id)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = await client.get(
            "/api/v1/members", params=params, headers=world.auth("olga")
        )
        seen += [i["id"] for i in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(
        str(world.id(w)) for w in ("ann", "bob", "cara", "olga")
    )
    forbidden = await client.get("/api/v1/members", headers=world.auth("ann"))
    assert forbidden.status_code == 403


async def test_a_pause_suppresses_churn_and_is_staff_only(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    ann = world.id("ann")
    today = dt.date.today()
    refused = await client.post(
        f"/api/v1/members/{ann}/pauses",
        json={"kind": "freeze", "starts_on": today.isoformat()},
        headers=world.auth("ann"),
    )
    assert refused.status_code == 403
    backwards = await client.post(
        f"/api/v1/members/{ann}/pauses",
        json={
            "kind": "holiday",
            "starts_on": today.isoformat(),
            "ends_on": (today - dt.timedelta(days=1)).isoformat(),
        },
        headers=world.auth("cara"),
    )
    assert backwards.status_code == 422
    assert await count(engine, MembershipPause) == 0
    made = await client.post(
        f"/api/v1/members/{ann}/pauses",
        json={"kind": "freeze", "starts_on": today.isoformat()},
        headers=world.auth("cara"),
    )
    assert made.status_code == 201, made.text
    # Ann has not visited for 400 days: churn evaluation ran inline, but the
    # freeze suppressed the alert.
    async with create_sessionmaker(engine)() as session:
        churn = await session.scalar(
            select(func.count()).select_from(Alert).where(Alert.member_id == ann)
        )
    assert churn == 0
    listed = await client.get(
        f"/api/v1/members/{ann}/pauses", headers=world.auth("ann")
    )
    assert [p["kind"] for p in listed.json()] == ["freeze"]
    ended = await client.delete(
        f"/api/v1/members/{ann}/pauses/{made.json()['id']}", headers=world.auth("olga")
    )
    assert ended.status_code == 204
    # Unfrozen: the re-evaluation alerts the owner.
    async with create_sessionmaker(engine)() as session:
        kinds = list(
            await session.scalars(select(Alert.kind).where(Alert.member_id == ann))
        )
    assert kinds == ["churn_risk"]
    gone = await client.delete(
        f"/api/v1/members/{ann}/pauses/{made.json()['id']}", headers=world.auth("olga")
    )
    assert gone.status_code == 404
