"""The same flows with Inngest disabled: workers run inline, same effects."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.jobs.events.scoring import ScoreCalculationRequested
from app.jobs.job_context import InlineJobContext
from app.jobs.workers import churn_scan
from app.runtime import Runtime, build_runtime
from tests.e2e import scenarios
from tests.support import api_world
from tests.support.api_world import World

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures


@pytest.fixture
async def runtime(world: World) -> AsyncIterator[Runtime]:
    runtime = build_runtime(world.settings)
    try:
        yield runtime
    finally:
        await runtime.dispose()


async def redispatch(runtime: Runtime, event: ScoreCalculationRequested) -> None:
    """A second event for the same business key, run inline after commit."""
    async with runtime.transaction() as session:
        await runtime.dispatcher.dispatch(session, event)


async def test_load_spike_gives_exactly_one_high_alert(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine, runtime: Runtime
) -> None:
    await scenarios.seed_load_history(engine, world)
    response = await client.post(
        "/api/v1/workouts", json=scenarios.SPIKE, headers=world.auth("ann")
    )
    assert response.status_code == 201
    after = await scenarios.snapshot(engine)  # inline: done before the response
    assert after.alerts == [scenarios.expected_spike_alert(world)]
    assert after.notifications == [scenarios.expected_spike_notification(world)]
    assert after.scores == 1
    [reasons] = await scenarios.alert_reasons(engine, "injury_risk")
    assert [r["code"] for r in reasons] == scenarios.SPIKE_REASON_CODES

    event = ScoreCalculationRequested(
        member_id=world.id("ann"),
        source="workout",
        source_id=uuid.UUID(response.json()["id"]),
    )
    await redispatch(runtime, event)
    await redispatch(runtime, event)
    assert await scenarios.snapshot(engine) == after


async def test_churn_scan_alerts_owners_about_at_risk_members_only(
    world: World, engine: AsyncEngine, runtime: Runtime
) -> None:
    await scenarios.seed_churn(engine, world)
    for run in range(2):  # the second run the same day adds nothing
        job = InlineJobContext(runtime, f"cron-{run}", 0)
        result = await churn_scan.request_churn_scans(None, job)
        assert result == {"gyms": 2, "pages": 1}
    snap = await scenarios.snapshot(engine)
    assert snap.alerts_of("churn_risk") == sorted(
        [
            (world.id("ann"), "churn_risk", "high", "open"),
            (world.id("zed"), "churn_risk", "high", "open"),
        ]
    )
    assert snap.notifications == [
        (world.id("olga"), "churn_risk.high", world.id("ann"))
    ]


async def test_a_member_of_another_gym_gets_404(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    ann = world.id("ann")
    post = await client.post(
        "/api/v1/workouts",
        json={**scenarios.SPIKE, "member_id": str(ann)},
        headers=world.auth("zed"),
    )
    read = await client.get(f"/api/v1/members/{ann}/scores", headers=world.auth("zoe"))
    assert (post.status_code, read.status_code) == (404, 404)
    assert (await scenarios.snapshot(engine)).scores == 0
