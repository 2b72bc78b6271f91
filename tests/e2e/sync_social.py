"""Shared pieces of the sync and social end-to-end flows (inline and Inngest):
a stack (served app + fake provider), seeds, a frozen clock and DB checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import (
    Alert,
    Follow,
    Gym,
    ReadinessScore,
    SocialNotification,
    TimelineEntry,
    WearableConnection,
    WearableReading,
)
from app.db.session import create_sessionmaker
from app.integrations.wearables.fake_provider import FakeWearableProvider
from app.integrations.wearables.fake_records import bad_night, normal_night
from app.runtime import Runtime
from app.services import clock
from tests.fakes import webhook_signing as ws
from tests.support.api_world import World
from tests.support.gym_builders import add_member

TODAY = dt.datetime.now(dt.UTC).date()
HISTORY_NIGHTS = 40
OURA_USER, OURA_TOKEN = "oura-ann", "oura-token-ann"


@dataclasses.dataclass
class Stack:
    client: httpx.AsyncClient
    world: World
    engine: AsyncEngine
    provider: FakeWearableProvider
    runtime: Runtime
    settle: Callable[[], Awaitable[None]]

    async def post(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return await self.client.post(path, headers=self.world.auth(who), **kw)

    async def put(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return await self.client.put(path, headers=self.world.auth(who), **kw)

    async def delete(self, who: str, path: str) -> httpx.Response:
        return await self.client.delete(path, headers=self.world.auth(who))

    async def get(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return await self.client.get(path, headers=self.world.auth(who), **kw)


class FrozenClock:
    """Replaces `app.services.clock.now` for the services (not for Inngest)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: dt.datetime) -> None:
        self.start = self.current = start
        monkeypatch.setattr(clock, "now", lambda: self.current)

    def at(self, minutes: float) -> dt.datetime:
        self.current = self.start + dt.timedelta(minutes=minutes)
        return self.current


def seed_history(provider: FakeWearableProvider) -> None:
    provider.tokens.add(OURA_TOKEN)
    for back in range(1, HISTORY_NIGHTS + 1):
        night = normal_night(TODAY - dt.timedelta(days=back))
        provider.oura_sleeps[night["id"]] = night


def add_bad_night(provider: FakeWearableProvider) -> str:
    night = bad_night(TODAY)
    provider.oura_sleeps[night["id"]] = night
    return str(night["id"])


def oura_notification(object_id: str, user: str = OURA_USER) -> bytes:
    return json.dumps(
        {
            "event_type": "create",
            "data_type": "sleep",
            "object_id": object_id,
            "event_time": f"{TODAY.isoformat()}T07:20:00+00:00",
            "user_id": user,
        },
        separators=(",", ":"),
    ).encode()


async def post_oura_webhook(stack: Stack, body: bytes) -> httpx.Response:
    return await stack.client.post(
        "/api/v1/webhooks/oura", content=body, headers=ws.oura_headers(body)
    )


async def add_oura_connection(
    engine: AsyncEngine, member_id: uuid.UUID, external_id: str, token: str
) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        session.add(
            WearableConnection(
                member_id=member_id,
                provider="oura",
                external_user_id=external_id,
                device_kind="ring",
                access_token=token,
            )
        )


async def add_followers(stack: Stack, who: str, count: int) -> list[uuid.UUID]:
    """`count` new members of `who`'s gym, each following `who`."""
    target = stack.world.members[who]
    async with create_sessionmaker(stack.engine)() as session, session.begin():
        gym = await session.get(Gym, target.gym_id)
        assert gym is not None
        followers = [add_member(session, gym, timezone="UTC") for _ in range(count)]
        await session.flush()
        for member in followers:
            session.add(Follow(follower_id=member.id, followee_id=target.id))
    return [m.id for m in followers]


async def scalar(engine: AsyncEngine, stmt: Any) -> Any:
    async with create_sessionmaker(engine)() as session:
        return await session.scalar(stmt)


async def rows(engine: AsyncEngine, stmt: Any) -> list[Any]:
    async with create_sessionmaker(engine)() as session:
        return list((await session.scalars(stmt)).all())


async def timeline_owners(engine: AsyncEngine, post_id: uuid.UUID) -> list[uuid.UUID]:
    return await rows(
        engine, select(TimelineEntry.owner_id).where(TimelineEntry.post_id == post_id)
    )


async def reading_count(engine: AsyncEngine, member_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(WearableReading)
    return int(await scalar(engine, stmt.where(WearableReading.member_id == member_id)))


async def readiness_of(
    engine: AsyncEngine, member_id: uuid.UUID, day: dt.date
) -> ReadinessScore | None:
    found: ReadinessScore | None = await scalar(
        engine,
        select(ReadinessScore).where(
            ReadinessScore.member_id == member_id, ReadinessScore.day == day
        ),
    )
    return found


async def readiness_alerts(engine: AsyncEngine) -> list[Alert]:
    return await rows(engine, select(Alert).where(Alert.rule == "readiness_low"))


async def like_notifications(engine: AsyncEngine, recipient: uuid.UUID) -> list[Any]:
    stmt = (
        select(SocialNotification)
        .where(SocialNotification.recipient_id == recipient)
        .order_by(SocialNotification.created_at, SocialNotification.id)
    )
    return await rows(engine, stmt)


async def assert_red_readiness_and_one_alert(stack: Stack) -> None:
    """After the bad night: red today, green yesterday, exactly one alert."""
    ann = stack.world.id("ann")
    assert await reading_count(stack.engine, ann) == (HISTORY_NIGHTS + 1) * 5
    today = await readiness_of(stack.engine, ann, TODAY)
    assert today is not None
    assert today.band == "red"
    assert today.hrv_state == "below"
    assert set(today.reasons) >= {"hrv_below_normal", "rhr_elevated", "sleep_short"}
    yesterday = await readiness_of(stack.engine, ann, TODAY - dt.timedelta(days=1))
    assert yesterday is not None
    assert yesterday.band == "green"
    [alert] = await readiness_alerts(stack.engine)
    assert (alert.member_id, alert.kind, alert.metric, alert.alert_on) == (
        ann,
        "threshold",
        "readiness",
        TODAY,
    )


# The like-batching timeline of domain-methods §5.2/§5.3 (the domain test's
# `TestLikeBatchTimeline`), driven through the HTTP API: (minute, actor, action).
LIKE_STEPS = [
    (0, "A", "do"),  # first like: notified at once
    (5, "B", "do"),  # later likes collect for 30 minutes
    (6, "C", "do"),
    (7, "D", "do"),
    (8, "E", "do"),
    (9, "F", "do"),
    (10, "B", "do"),  # a repeat (kind unchanged) collapses
    (12, "A", "undo"),  # already notified: nothing to drop
    (13, "A", "do"),  # toggled back on: never re-notified
    (15, "E", "undo"),  # undone while pending: dropped
    (16, "G", "do"),
    (17, "ann", "do"),  # the owner liking their own workout
]


async def add_actors(stack: Stack, names: str) -> None:
    """New members of ann's gym, one per letter, registered in the world."""
    async with create_sessionmaker(stack.engine)() as session, session.begin():
        gym = await session.get(Gym, stack.world.members["ann"].gym_id)
        assert gym is not None
        for name in names:
            stack.world.members[name] = add_member(session, gym, timezone="UTC")


async def run_like_timeline(
    stack: Stack, frozen: FrozenClock, flush: Callable[[], Awaitable[None]]
) -> None:
    """Replay the timeline, then check: one immediate notification, one
    digest at minute 35 (30 minutes after B's like opened the batch), no
    re-notification for a later toggle, and a like 5 minutes after the digest
    held in a new batch (not pushed at once)."""
    await add_actors(stack, "ABCDEFGH")
    ann = stack.world.id("ann")
    frozen.at(-1)
    created = await stack.post("ann", "/api/v1/social/posts", json={"kind": "workout"})
    post = f"/api/v1/social/posts/{created.json()['id']}/reaction"
    await stack.settle()
    for minute, who, action in LIKE_STEPS:
        frozen.at(minute)
        if action == "do":
            response = await stack.put(who, post, json={"kind": "like"})
        else:
            response = await stack.delete(who, post)
        assert response.status_code in (200, 204), (minute, response.text)
        await stack.settle()
    [first] = await like_notifications(stack.engine, ann)
    assert (first.text, first.lead_actor_id) == (
        "{actor} liked your workout",
        _id(stack, "A"),
    )
    frozen.at(34.9)
    await flush()
    assert len(await like_notifications(stack.engine, ann)) == 1  # batch still open
    frozen.at(35)
    await flush()
    _, digest = await like_notifications(stack.engine, ann)
    assert digest.text == "{actor} and 4 others liked your workout"
    assert digest.lead_actor_id == _id(stack, "B")
    assert digest.actor_ids == [_id(stack, n) for n in "BCDFG"]
    listed = (await stack.get("ann", "/api/v1/social/notifications")).json()["items"]
    assert [n["text"] for n in listed] == [digest.text, first.text]
    for minute, action in ((36, "undo"), (37, "do")):  # A toggles again later
        frozen.at(minute)
        if action == "do":
            await stack.put("A", post, json={"kind": "like"})
        else:
            await stack.delete("A", post)
        await stack.settle()
    await flush()
    assert len(await like_notifications(stack.engine, ann)) == 2
    frozen.at(40)  # 5 minutes after the digest: held, not pushed at once
    await stack.put("H", post, json={"kind": "like"})
    await stack.settle()
    await flush()
    assert len(await like_notifications(stack.engine, ann)) == 2
    frozen.at(70)  # its batch closes 30 minutes after it opened
    await flush()
    *_, last = await like_notifications(stack.engine, ann)
    assert (last.text, last.lead_actor_id) == (
        "{actor} liked your workout",
        _id(stack, "H"),
    )


def daytime_start() -> dt.datetime:
    """Noon UTC today: the timeline stays outside the recipients' quiet hours
    (22:00-07:00 in their zone, UTC here) whatever time the suite runs."""
    return dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)


def _id(stack: Stack, name: str) -> str:
    return str(stack.world.id(name))
