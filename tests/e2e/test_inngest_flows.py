"""End to end through the Inngest stand-in: the real app under uvicorn on
loopback, Inngest enabled and pointed at the stand-in, signed invocations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.main import create_app
from tests.e2e import scenarios
from tests.inngest_server import InngestServer, Run, RunStatus
from tests.support.api_world import World, build_world
from tests.support.gym_builders import NOW

pytestmark = pytest.mark.db
WAIT_S = 30.0


@dataclasses.dataclass
class Stack:
    server: InngestServer
    world: World
    client: httpx.AsyncClient


@pytest.fixture
async def stack(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Stack]:
    async with InngestServer(mode="cloud") as server:
        settings = settings_factory(
            INNGEST_ENABLED=True,
            INNGEST_EVENT_KEY="test-event-key",
            INNGEST_SIGNING_KEY=server.signing_key,
            INNGEST_BASE_URL=server.url,
            OUTBOX_POLL_INTERVAL_S=0.1,
        )
        world = await build_world(engine, settings)
        async with server.attach(create_app(settings)) as serve_url:
            base = serve_url.removesuffix(settings.INNGEST_SERVE_PATH)
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                yield Stack(server, world, client)


async def finished(server: InngestServer, fn_id: str, count: int = 1) -> list[Run]:
    runs = await server.wait_for_runs(fn_id, count, timeout=WAIT_S)
    await server.drain(timeout=WAIT_S)
    return runs


def later_tick() -> dt.datetime:
    """Another cron tick (a minute on), normally the same day."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)


def assert_signed_and_completed(runs: list[Run]) -> None:
    assert [r.status for r in runs] == [RunStatus.COMPLETED] * len(runs)
    assert all(call.signature_ok for run in runs for call in run.calls)


async def test_load_spike_gives_exactly_one_high_alert_and_replays_add_nothing(
    stack: Stack, engine: AsyncEngine
) -> None:
    server, world = stack.server, stack.world
    await scenarios.seed_load_history(engine, world)
    response = await stack.client.post(
        "/api/v1/workouts", json=scenarios.SPIKE, headers=world.auth("ann")
    )
    assert response.status_code == 201
    event_id = response.json()["event_id"]
    [notify] = await finished(server, "alerts-notify-coaches-injury-risk")
    [score] = server.runs_for("scoring-calculate")
    [injury] = server.runs_for("alerts-evaluate-injury-risk")
    assert_signed_and_completed([score, injury, notify])
    assert score.event.id == event_id
    assert score.step_names() == ["record-prs", "save-score"]
    assert injury.output["level"] == "high"
    assert notify.output == {"notified": 1}

    after = await scenarios.snapshot(engine)
    assert after.alerts == [scenarios.expected_spike_alert(world)]
    assert after.notifications == [scenarios.expected_spike_notification(world)]
    assert after.scores == 1
    [reasons] = await scenarios.alert_reasons(engine, "injury_risk")
    assert [r["code"] for r in reasons] == scenarios.SPIKE_REASON_CODES

    # Same event id again: Inngest de-duplicates it, no run starts.
    [sent] = server.events_named("platform/scoring.calculate")
    server.send(sent.name, sent.data, id=sent.id)
    # Same business key, new event id: new runs that end as no-ops.
    server.send(sent.name, sent.data)
    await finished(server, "alerts-evaluate-injury-risk", 2)
    assert len(server.runs_for("scoring-calculate")) == 2
    assert_signed_and_completed(server.runs_for("alerts-evaluate-injury-risk"))
    assert len(server.runs_for("alerts-notify-coaches-injury-risk")) == 1
    assert await scenarios.snapshot(engine) == after


async def test_churn_cron_alerts_owners_about_at_risk_members_only(
    stack: Stack, engine: AsyncEngine
) -> None:
    server, world = stack.server, stack.world
    await scenarios.seed_churn(engine, world)
    cron = server.fire_cron("alerts-churn-scan-daily")
    await finished(server, "alerts-notify-owners-churn-risk", 2)
    scans = server.runs_for("alerts-churn-scan-gym")
    assert_signed_and_completed(
        [cron, *scans, *server.runs_for("alerts-notify-owners-churn-risk")]
    )
    assert cron.output == {"gyms": 2, "pages": 1}
    assert sorted(r.output["evaluated"] for r in scans) == [1, 2]  # staff skipped

    after = await scenarios.snapshot(engine)
    assert after.alerts == sorted(
        [
            (world.id("ann"), "churn_risk", "high", "open"),
            (world.id("zed"), "churn_risk", "high", "open"),
        ]
    )
    # gym 1's owner hears about `ann`; gym 2 has no owner to tell
    assert after.notifications == [
        (world.id("olga"), "churn_risk.high", world.id("ann"))
    ]

    # A second tick the same day asks for the same per-gym scans (same event
    # ids): nothing new is sent, stored or notified.
    again = server.fire_cron("alerts-churn-scan-daily", at=later_tick())
    await server.drain(timeout=WAIT_S)
    assert again.status is RunStatus.COMPLETED
    assert len(server.runs_for("alerts-churn-scan-gym")) == 2
    assert await scenarios.snapshot(engine) == after


async def test_a_visit_resolves_the_churn_alert(
    stack: Stack, engine: AsyncEngine
) -> None:
    server, world = stack.server, stack.world
    await scenarios.seed_churn(engine, world)
    server.fire_cron("alerts-churn-scan-daily")
    await finished(server, "alerts-notify-owners-churn-risk", 2)
    response = await stack.client.post(
        "/api/v1/check-ins",
        json={"checked_in_at": NOW.isoformat()},
        headers=world.auth("ann"),
    )
    assert response.status_code == 201
    [run] = await finished(server, "alerts-resolve-churn-on-visit")
    assert run.output == {"resolved": 1}
    statuses = {a[0]: a[3] for a in (await scenarios.snapshot(engine)).alerts}
    assert statuses == {world.id("ann"): "resolved", world.id("zed"): "open"}


async def test_threshold_alert_reaches_coaches_and_unknown_member_fails_once(
    stack: Stack, engine: AsyncEngine
) -> None:
    server, world = stack.server, stack.world
    data = {
        "member_id": str(world.id("bob")),
        "metric": "readiness",
        "level": "caution",
        "rule": "readiness_low",
    }
    server.send("platform/alerts.threshold-crossed", data)
    [ok] = await finished(server, "alerts-record-threshold")
    assert ok.status is RunStatus.COMPLETED
    assert ok.output["notified"] == 1
    snap = await scenarios.snapshot(engine)
    assert snap.notifications == [
        (world.id("cara"), "threshold.caution", world.id("bob"))
    ]

    unknown = {**data, "member_id": "00000000-0000-4000-8000-000000000000"}
    server.send("platform/alerts.threshold-crossed", unknown)
    failed = await finished(server, "alerts-record-threshold", 2)
    bad = [r for r in failed if r.status is RunStatus.FAILED]
    assert len(bad) == 1
    assert bad[0].attempts == 1  # NonRetriableError: no retries
    assert bad[0].error is not None
    assert bad[0].error.message == "member_not_found"


async def test_a_member_of_another_gym_gets_404(
    stack: Stack, engine: AsyncEngine
) -> None:
    world = stack.world
    ann = world.id("ann")
    post = await stack.client.post(
        "/api/v1/workouts",
        json={**scenarios.SPIKE, "member_id": str(ann)},
        headers=world.auth("zed"),
    )
    read = await stack.client.get(
        f"/api/v1/members/{ann}/scores", headers=world.auth("zoe")
    )
    assert (post.status_code, read.status_code) == (404, 404)
    assert stack.server.events_named("platform/scoring.calculate") == []
