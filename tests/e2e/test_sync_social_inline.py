"""Sync and social flows with Inngest disabled: the same workers run inline,
after commit, before the response; the same effects as through Inngest."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Member, WearableConnection, WebhookDelivery
from app.integrations.wearables.fake_provider import FakeWearableProvider, Fault
from app.jobs.events.social import PostCreated
from app.main import create_app
from tests.e2e import sync_social as ss
from tests.fakes import webhook_signing as ws
from tests.support.api_world import build_world
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve

pytestmark = pytest.mark.db


@pytest.fixture
async def stack(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[ss.Stack]:
    fake = FakeWearableProvider()
    async with serve(fake.app, lifespan="off") as provider:
        settings = settings_factory(
            INNGEST_ENABLED=False,
            SOCIAL_FANOUT_CHUNK_SIZE=10,
            **ws.WEBHOOK_SETTINGS,
            **fake.base_urls(provider.url),
        )
        world = await build_world(engine, settings)
        app = create_app(settings)
        runtime = app.state.runtime

        async def after_response(_: httpx.Response) -> None:
            # Provider calls run after the response (never while a request
            # waits): these tests look at their effects once they are done.
            await runtime.inline_runner.drain()

        async with (
            serve(app) as server,
            httpx.AsyncClient(
                base_url=server.url,
                timeout=60,
                event_hooks={"response": [after_response]},
            ) as client,
        ):
            yield ss.Stack(
                client, world, engine, fake, runtime, runtime.inline_runner.drain
            )


async def test_webhook_sync_readiness_and_alert(stack: ss.Stack) -> None:
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
    assert "access_token" not in connected.text
    ann = stack.world.id("ann")
    assert await ss.reading_count(stack.engine, ann) == ss.HISTORY_NIGHTS * 5
    assert await ss.readiness_alerts(stack.engine) == []

    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    response = await ss.post_oura_webhook(stack, body)
    assert response.json() == {"accepted": 1, "duplicates": 0, "ignored": 0}
    await ss.assert_red_readiness_and_one_alert(stack)

    again = await ss.post_oura_webhook(stack, body)  # re-delivered, re-signed
    assert again.json() == {"accepted": 0, "duplicates": 1, "ignored": 0}
    await ss.assert_red_readiness_and_one_alert(stack)
    listed = await stack.get("ann", "/api/v1/wearables/readiness", params={"days": 2})
    assert [(r["day"], r["band"]) for r in listed.json()] == [
        (ss.TODAY.isoformat(), "red"),
        ((ss.TODAY - dt.timedelta(days=1)).isoformat(), "green"),
    ]


async def test_post_reaches_exactly_n_followers_even_when_run_twice(
    stack: ss.Stack,
) -> None:
    followers = await ss.add_followers(stack, "ann", 23)
    created = await stack.post("ann", "/api/v1/social/posts", json={"kind": "workout"})
    post_id = created.json()["id"]
    owners = await ss.timeline_owners(stack.engine, created.json()["id"])
    assert sorted(owners) == sorted([*followers, stack.world.id("ann")])

    event = PostCreated(post_id=post_id, author_id=stack.world.id("ann"))
    async with stack.runtime.transaction() as session:  # the same event again
        await stack.runtime.dispatcher.dispatch(session, event)
    assert len(await ss.timeline_owners(stack.engine, post_id)) == 23 + 1

    stack.world.members["f0"] = await _member(stack, followers[0])
    feed = await stack.get("f0", "/api/v1/social/feed")
    assert [item["id"] for item in feed.json()["items"]] == [post_id]
    other = await stack.get("bob", "/api/v1/social/feed")
    assert other.json() == {"items": [], "next_cursor": None}


async def test_strava_activity_is_shown_to_its_owner_only(stack: ss.Stack) -> None:
    follower = (await ss.add_followers(stack, "ann", 1))[0]
    stack.world.members["fan"] = await _member(stack, follower)
    async with stack.runtime.transaction() as session:
        session.add(
            WearableConnection(
                member_id=stack.world.id("ann"),
                provider="strava",
                external_user_id="134815",
                device_kind="other",
                access_token="strava-token",
            )
        )
    stack.provider.tokens.add("strava-token")
    stack.provider.strava["1360128428"] = {
        "id": 1360128428,
        "sport_type": "Run",
        "start_date": "2026-07-04T06:00:00Z",
        "elapsed_time": 1800,
        "distance": 5000.0,
    }
    response = await stack.client.post(
        f"/api/v1/webhooks/strava?key={ws.STRAVA_CALLBACK_KEY}",
        content=b'{"aspect_type":"create","event_time":1549560669,'
        b'"object_id":1360128428,"object_type":"activity","owner_id":134815,'
        b'"subscription_id":120475,"updates":{}}',
    )
    assert response.status_code == 200
    own = (await stack.get("ann", "/api/v1/social/feed")).json()["items"]
    assert [(p["source"], p["kind"]) for p in own] == [("strava", "workout")]
    assert await ss.timeline_owners(stack.engine, own[0]["id"]) == [
        stack.world.id("ann")
    ]
    assert (await stack.get("fan", "/api/v1/social/feed")).json()["items"] == []
    react = await stack.put(
        "fan", f"/api/v1/social/posts/{own[0]['id']}/reaction", json={"kind": "like"}
    )
    assert react.status_code == 404


async def test_like_batching_timeline(
    stack: ss.Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = ss.FrozenClock(monkeypatch, ss.daytime_start())

    async def read_inbox() -> None:  # inline: due windows close on read
        response = await stack.get("ann", "/api/v1/social/notifications")
        assert response.status_code == 200

    await ss.run_like_timeline(stack, frozen, read_inbox)


async def test_reactions_are_rate_limited_with_retry_after(
    stack: ss.Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ss.FrozenClock(monkeypatch, dt.datetime.now(dt.UTC))  # no refill meanwhile
    created = await stack.post("ann", "/api/v1/social/posts", json={})
    path = f"/api/v1/social/posts/{created.json()['id']}/reaction"
    statuses = []
    for i in range(10):  # bob is a new account: a burst of 10
        response = await (
            stack.put("bob", path, json={}) if i % 2 == 0 else stack.delete("bob", path)
        )
        statuses.append(response.status_code)
    assert statuses == [200, 204] * 5
    refused = await stack.put("bob", path, json={})
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert int(refused.headers["retry-after"]) >= 1


async def test_provider_outage_recovers_with_nothing_lost(stack: ss.Stack) -> None:
    stack.provider.tokens.add(ss.OURA_TOKEN)
    await ss.add_oura_connection(
        stack.engine, stack.world.id("ann"), ss.OURA_USER, ss.OURA_TOKEN
    )
    stack.provider.faults = [Fault(503, retry_after="1"), Fault(503), Fault(429, "1")]
    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    assert (await ss.post_oura_webhook(stack, body)).json()["accepted"] == 1
    assert stack.provider.faults == []
    assert len(stack.provider.paths("/oura/v2/usercollection/sleep/")) == 4
    assert await ss.reading_count(stack.engine, stack.world.id("ann")) == 5
    [delivery] = await ss.rows(stack.engine, select(WebhookDelivery))
    assert delivery.processed_at is not None
    assert delivery.fetch_url is None


async def test_revoked_grant_marks_the_connection_broken(stack: ss.Stack) -> None:
    await ss.add_oura_connection(
        stack.engine, stack.world.id("ann"), ss.OURA_USER, "revoked-token"
    )
    body = ss.oura_notification(ss.add_bad_night(stack.provider))
    assert (await ss.post_oura_webhook(stack, body)).status_code == 200
    assert len(stack.provider.paths("/oura/")) == 1  # not retried
    [connection] = await ss.rows(stack.engine, select(WearableConnection))
    assert (connection.status, connection.broken_reason) == ("broken", "auth_revoked")
    assert await ss.reading_count(stack.engine, stack.world.id("ann")) == 0


async def _member(stack: ss.Stack, member_id: uuid.UUID) -> Member:
    found: Member | None = await ss.scalar(
        stack.engine, select(Member).where(Member.id == member_id)
    )
    assert found is not None
    return found


async def test_tokens_and_secrets_never_reach_logs_or_sentry(
    stack: ss.Stack,
    caplog: pytest.LogCaptureFixture,
    sentry_capture: CapturingTransport,
) -> None:
    caplog.set_level(logging.INFO)  # the level production runs at
    ss.seed_history(stack.provider)
    await stack.post(
        "ann",
        "/api/v1/wearables/connections",
        json={
            "provider": "oura",
            "external_user_id": ss.OURA_USER,
            "access_token": ss.OURA_TOKEN,
            "refresh_token": "oura-refresh-SECRET",
        },
    )
    await ss.post_oura_webhook(
        stack, ss.oura_notification(ss.add_bad_night(stack.provider))
    )
    await ss.add_oura_connection(stack.engine, stack.world.id("bob"), "b", "bob-SECRET")
    await ss.post_oura_webhook(
        stack, ss.oura_notification(f"oura-sleep-{ss.TODAY}", user="b")
    )
    [report] = sentry_capture.events  # bob's revoked grant, reported once
    assert report["tags"]["function_id"] == "sync-wearable-data"
    seen = caplog.text + json.dumps(sentry_capture.events, default=str)
    assert "wearable_auth_revoked" in seen
    for secret in (
        ss.OURA_TOKEN,
        "oura-refresh-SECRET",
        "bob-SECRET",
        ws.OURA_SECRET,
        '"average_hrv"',
    ):
        assert secret not in seen
