"""Coach and owner dashboards: list and acknowledge the gym's alerts."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.repositories import alert as alert_repo
from app.db.session import create_sessionmaker
from tests.support import api_world
from tests.support.api_world import World
from tests.support.gym_builders import NOW

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures


async def add_alerts(
    engine: AsyncEngine, world: World, who: str, days: int
) -> list[uuid.UUID]:
    member = world.members[who]
    ids = []
    async with create_sessionmaker(engine)() as session, session.begin():
        for day in range(days):
            alert, _ = await alert_repo.add_alert(
                session,
                {
                    "gym_id": member.gym_id,
                    "member_id": member.id,
                    "kind": "churn_risk",
                    "level": "high",
                    "score": 90,
                    "reasons": [
                        {
                            "code": "recency",
                            "points": 40,
                            "text": "29 days since last visit",
                        }
                    ],
                    "alert_on": NOW.date() - dt.timedelta(days=day),
                    "created_at": NOW - dt.timedelta(days=day),
                },
            )
            ids.append(alert.id)
    return ids


async def test_staff_list_their_gyms_alerts_newest_first(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    mine = await add_alerts(engine, world, "ann", 3)
    await add_alerts(engine, world, "zed", 2)
    first = (
        await client.get(
            "/api/v1/alerts", params={"limit": 2}, headers=world.auth("olga")
        )
    ).json()
    rest = (
        await client.get(
            "/api/v1/alerts",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=world.auth("olga"),
        )
    ).json()
    listed = [i["id"] for i in first["items"] + rest["items"]]
    assert listed == [str(i) for i in mine]
    assert rest["next_cursor"] is None
    assert first["items"][0]["reasons"][0]["text"] == "29 days since last visit"


async def test_acknowledge_flow_and_status_filter(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    [alert_id, _] = await add_alerts(engine, world, "ann", 2)
    response = await client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge", headers=world.auth("cara")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by"] == str(world.id("cara"))
    again = await client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge", headers=world.auth("olga")
    )
    assert again.json()["acknowledged_by"] == str(world.id("cara"))  # unchanged
    open_only = await client.get(
        "/api/v1/alerts", params={"status": "open"}, headers=world.auth("cara")
    )
    assert [i["status"] for i in open_only.json()["items"]] == ["open"]


async def test_members_may_not_use_the_dashboard(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    [alert_id] = await add_alerts(engine, world, "ann", 1)
    listed = await client.get("/api/v1/alerts", headers=world.auth("ann"))
    acked = await client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge", headers=world.auth("ann")
    )
    assert (listed.status_code, acked.status_code) == (403, 403)
    assert listed.json() == {"code": "forbidden", "detail": "staff_only"}


async def test_other_gyms_alerts_are_404(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    [alert_id] = await add_alerts(engine, world, "ann", 1)
    for url in (
        f"/api/v1/alerts/{alert_id}/acknowledge",
        f"/api/v1/alerts/{uuid.uuid4()}/acknowledge",
    ):
        response = await client.post(url, headers=world.auth("zoe"))
        assert response.status_code == 404
        assert response.json()["code"] == "alert_not_found"
    bad = await client.get(
        "/api/v1/alerts", params={"status": "gone"}, headers=world.auth("zoe")
    )
    assert bad.status_code == 422


async def test_alerts_filter_by_kind_and_member(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    churn = await add_alerts(engine, world, "ann", 1)
    await add_alerts(engine, world, "bob", 1)
    by_kind = await client.get(
        "/api/v1/alerts", params={"kind": "churn_risk"}, headers=world.auth("olga")
    )
    assert len(by_kind.json()["items"]) == 2
    none = await client.get(
        "/api/v1/alerts", params={"kind": "injury_risk"}, headers=world.auth("olga")
    )
    assert none.json()["items"] == []
    mine = await client.get(
        "/api/v1/alerts",
        params={"member_id": str(world.id("ann"))},
        headers=world.auth("cara"),
    )
    assert [a["id"] for a in mine.json()["items"]] == [str(churn[0])]
    bad = await client.get(
        "/api/v1/alerts", params={"kind": "gossip"}, headers=world.auth("olga")
    )
    assert bad.status_code == 422
