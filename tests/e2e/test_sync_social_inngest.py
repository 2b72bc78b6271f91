"""Sync and social flows through the Inngest stand-in: the real app under
uvicorn on loopback, Inngest enabled and pointed at the stand-in (signed
calls), the fake provider on loopback. Every follow-up goes through the
outbox, the event API and a new run."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import OutboxEvent, WearableConnection
from app.integrations.wearables.fake_provider import FakeWearableProvider, Fault
from app.main import create_app
from tests.e2e import sync_social as ss
from tests.fakes import webhook_signing as ws
from tests.inngest_server import InngestServer, Run, RunStatus
from tests.support.api_world import build_world
from tests.support.inngest_app import inngest_settings
from tests.support.serving import serve

pytestmark = pytest.mark.db
WAIT_S = 45.0


@dataclasses.dataclass
class Harnessed:
    stack: ss.Stack
    server: InngestServer

    def completed(self, fn_id: str) -> list[Run]:
        runs = self.server.runs_for(fn_id)
        assert all(call.signature_ok for run in runs for call in run.calls)
        return [run for run in runs if run.status is RunStatus.COMPLETED]


async def settle(server: InngestServer, engine: AsyncEngine) -> None:
    """Until the outbox is sent and every run (and follow-up) has finished."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if await _pending(engine):
            await asyncio.sleep(0.05)
            continue
        before = len(server.runs)
        await server.drain(timeout=deadline - time.monotonic())
        if not await _pending(engine) and len(server.runs) == before:
            return
    raise AssertionError("the outbox and the runs did not settle")


async def _pending(engine: AsyncEngine) -> int:
    stmt = select(func.count()).select_from(OutboxEvent)
    return int(await ss.scalar(engine, stmt.where(OutboxEvent.status == "pending")))


@pytest.fixture
async def harnessed(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Harnessed]:
    fake = FakeWearableProvider()
    async with (
        serve(fake.app, lifespan="off") as provider,
        InngestServer(mode="cloud") as server,
    ):
        settings = inngest_settings(
            settings_factory,
            server,
            SOCIAL_FANOUT_CHUNK_SIZE=10,
            **ws.WEBHOOK_SETTINGS,
            **fake.base_urls(provider.url),
        )
        world = await build_world(engine, settings)
        app = create_app(settings)
        async with server.attach(app) as serve_url:
            base = serve_url.removesuffix(settings.INNGEST_SERVE_PATH)
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                stack = ss.Stack(
                    client,
                    world,
                    engine,
                    fake,
                    app.state.runtime,
                    lambda: settle(server, engine),
                )
                yield Harnessed(stack, server)


async def test_webhook_sync_readiness_alert(harnessed: Harnessed) -> None:
    stack, server = harnessed.stack, harnessed.server
    ss.seed_history(stack.provider)
    connected = await stack.post(
        "ann",
        "/api/v1/wearables/connections",
        json={
            "provider": "oura",
            "external_user_id": ss.OURA_USER,
            "access_token": ss.OURA_TOKEN,
        },
    )
    assert connected.status_code == 201
    await stack.settle()
    [first] = harnessed.completed("sync-wearable-data")
    assert first.step_names() == ["plan-sync", "fetch-sleep", "finish-sync"]
    assert first.step("fetch-sleep").data["stored"] == ss.HISTORY_NIGHTS * 5

    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    response = await ss.post_oura_webhook(stack, body)
    assert response.json() == {"accepted": 1, "duplicates": 0, "ignored": 0}
    await stack.settle()
    await ss.assert_red_readiness_and_one_alert(stack)
    syncs = harnessed.completed("sync-wearable-data")
    assert syncs[1].step_names() == ["plan-sync", "fetch-delivery", "finish-sync"]
    assert syncs[1].step("fetch-delivery").data == {
        "stored": 5,
        "rejected": 0,
        "activities": 0,
        "first_day": ss.TODAY.isoformat(),
        "last_day": ss.TODAY.isoformat(),
    }
    assert len(harnessed.completed("sync-compute-readiness")) == 2
    [alert_run] = harnessed.completed("alerts-record-threshold")
    ann = stack.world.id("ann")
    assert alert_run.event.id == (
        f"platform/alerts.threshold-crossed:{ann}:readiness_low:{ss.TODAY.isoformat()}"
    )
    assert alert_run.event.data == {
        "member_id": str(ann),
        "metric": "readiness",
        "level": "caution",
        "rule": "readiness_low",
        "observed_on": ss.TODAY.isoformat(),
    }

    again = await ss.post_oura_webhook(stack, body)
    assert again.json()["duplicates"] == 1
    await stack.settle()
    assert len(server.runs_for("sync-wearable-data")) == 2
    await ss.assert_red_readiness_and_one_alert(stack)


async def test_post_fans_out_in_chunks_to_exactly_n_followers(
    harnessed: Harnessed,
) -> None:
    stack, server = harnessed.stack, harnessed.server
    followers = await ss.add_followers(stack, "ann", 23)
    created = await stack.post("ann", "/api/v1/social/posts", json={"kind": "workout"})
    post_id = created.json()["id"]
    await stack.settle()
    [run] = harnessed.completed("social-fan-out-post")
    assert run.event.id == f"platform/social.post-created:{post_id}"
    assert run.step_names() == [
        "plan-fan-out",
        "fan-out-chunk-0",
        "fan-out-chunk-1",
        "fan-out-chunk-2",
    ]
    assert run.output == {"mode": "push", "chunks": 3, "written": 23}
    expected = sorted([*followers, stack.world.id("ann")])
    assert sorted(await ss.timeline_owners(stack.engine, post_id)) == expected

    author = str(stack.world.id("ann"))
    server.send(
        "platform/social.post-created", {"post_id": post_id, "author_id": author}
    )
    await stack.settle()
    runs = harnessed.completed("social-fan-out-post")
    assert len(runs) == 2
    assert runs[1].output == {"mode": "push", "chunks": 3, "written": 0}
    assert sorted(await ss.timeline_owners(stack.engine, post_id)) == expected


async def test_like_batching_timeline_with_the_flush_cron(
    harnessed: Harnessed, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack, server = harnessed.stack, harnessed.server
    frozen = ss.FrozenClock(monkeypatch, ss.daytime_start())
    ticks = iter(range(1, 100))

    async def flush_cron() -> None:
        at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=next(ticks))
        server.fire_cron("social-flush-notification-batches", at=at)
        await stack.settle()

    await ss.run_like_timeline(stack, frozen, flush_cron)
    decisions = [
        run.output["decision"]
        for run in harnessed.completed("social-notify-reaction-added")
    ]
    assert decisions.count("send_now") == 1  # A
    assert decisions.count("add_to_batch") == 7  # B, C, D, E, F, G, then H
    assert decisions.count("ignore") == 3  # A toggled back twice, the owner
    flushes = harnessed.completed("social-flush-notification-batches")
    # minute 34.9, 35 (the digest), after A's toggle, after H's like, 70
    assert [run.output["sent"] for run in flushes] == [0, 1, 0, 0, 1]


async def test_provider_outage_with_retry_after_recovers(harnessed: Harnessed) -> None:
    stack, server = harnessed.stack, harnessed.server
    stack.provider.tokens.add(ss.OURA_TOKEN)
    await ss.add_oura_connection(
        stack.engine, stack.world.id("ann"), ss.OURA_USER, ss.OURA_TOKEN
    )
    stack.provider.faults = [Fault(503, retry_after="2"), Fault(429, retry_after="3")]
    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    assert (await ss.post_oura_webhook(stack, body)).json()["accepted"] == 1
    await stack.settle()
    [run] = harnessed.completed("sync-wearable-data")
    assert [c.attempt for c in run.calls if c.status == 500] == [0, 1]
    assert [round(s) for s in run.retry_after] == [2, 3]
    assert await ss.reading_count(stack.engine, stack.world.id("ann")) == 5
    assert server.runs_for("sync-compute-readiness")


async def test_outage_across_members_loses_nothing(harnessed: Harnessed) -> None:
    stack = harnessed.stack
    await ss.add_actors(stack, "PQR")
    for name in "PQR":
        token = f"oura-token-{name}"
        stack.provider.tokens.add(token)
        await ss.add_oura_connection(
            stack.engine, stack.world.id(name), f"oura-{name}", token
        )
    ss.add_bad_night(stack.provider)
    stack.provider.faults = [Fault(503) for _ in range(6)]  # plain 5xx: backoff
    for name in "PQR":
        body = ss.oura_notification(
            f"oura-sleep-{ss.TODAY.isoformat()}", f"oura-{name}"
        )
        assert (await ss.post_oura_webhook(stack, body)).json()["accepted"] == 1
    await stack.settle()
    runs = harnessed.completed("sync-wearable-data")
    assert len(runs) == 3
    step_errors = [len(run.step("fetch-delivery").errors) for run in runs]
    assert sum(step_errors) == 6  # every outage answer was retried
    for name in "PQR":
        assert await ss.reading_count(stack.engine, stack.world.id(name)) == 5


async def test_revoked_grant_fails_once_and_marks_the_connection(
    harnessed: Harnessed,
) -> None:
    stack, server = harnessed.stack, harnessed.server
    await ss.add_oura_connection(
        stack.engine, stack.world.id("ann"), ss.OURA_USER, "revoked-token"
    )
    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    await ss.post_oura_webhook(stack, body)
    await stack.settle()
    [run] = server.runs_for("sync-wearable-data")
    assert run.status is RunStatus.FAILED
    assert [c.status for c in run.calls][-1] == 500
    assert sum(c.status == 500 for c in run.calls) == 1  # not retried
    assert run.error is not None
    assert run.error.message == "wearable_auth_revoked"
    [connection] = await ss.rows(stack.engine, select(WearableConnection))
    assert connection.status == "broken"


async def test_backfill_cron_pulls_silent_connections_once_a_day(
    harnessed: Harnessed,
) -> None:
    stack, server = harnessed.stack, harnessed.server
    ss.seed_history(stack.provider)
    await ss.add_oura_connection(
        stack.engine, stack.world.id("ann"), ss.OURA_USER, ss.OURA_TOKEN
    )
    server.fire_cron("sync-backfill-silent-connections")
    await stack.settle()
    [cron] = harnessed.completed("sync-backfill-silent-connections")
    assert cron.output == {"queued": 1}
    [sync] = harnessed.completed("sync-wearable-data")
    assert sync.event.data["reason"] == "backfill"
    ann = stack.world.id("ann")
    assert await ss.reading_count(stack.engine, ann) == ss.HISTORY_NIGHTS * 5
    async with stack.runtime.transaction() as session:  # silent again, same day
        connection = await session.scalar(select(WearableConnection))
        assert connection is not None
        connection.last_synced_at = None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    server.fire_cron("sync-backfill-silent-connections", at=later)
    await stack.settle()
    assert len(server.runs_for("sync-wearable-data")) == 1  # same event id: deduped
