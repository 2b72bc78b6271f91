"""S12: erasing a member removes every row about them, across job state too:
a run sleeping between steps is cancelled, an unsent outbox row and a dead
letter are deleted, provider tokens go, and a late run about the member ends
as a value-free no-op (no dead letter, no Sentry event). Only a one-way
digest of the id stays, as the erasure tombstone."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.security import Principal, Role, issue_token
from app.db.base import Base, utcnow
from app.db.models import (
    Alert,
    DeadLetter,
    ErasedMember,
    NotificationBatch,
    OutboxEvent,
    WearableConnection,
)
from app.db.models.erasure import member_digest
from app.db.session import create_sessionmaker
from app.jobs.events.base import PlatformEvent
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry
from app.main import create_app
from tests.e2e import scenarios
from tests.faults.harness import clone_registry
from tests.inngest_server import InngestServer, RunStatus
from tests.support.api_world import World, build_world
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve
from tests.support.waiting import eventually

pytestmark = pytest.mark.db
WAIT_S = 30.0
SLEEPER = "erasure-probe-sleeper"
FAILER = "erasure-probe-failer"


class ErasureProbe(PlatformEvent):
    """Test-only (outside app.jobs.events)."""

    name = "platform/alerts.erasure-probe"
    member_id: uuid.UUID
    fail: bool = False


async def sleeper(event: ErasureProbe, job: JobContext) -> dict[str, str]:
    await job.step("before", _ok)
    await job.sleep("wait-an-hour", dt.timedelta(hours=1))
    return {"after": await job.step("after", _ok)}


async def failer(event: ErasureProbe, job: JobContext) -> None:
    raise RuntimeError("probe_failed")


async def _ok() -> str:
    return "ok"


def registry_with_probes() -> WorkerRegistry:
    registry = clone_registry()
    registry.worker(fn_id=SLEEPER, event=ErasureProbe, retries=0)(sleeper)
    registry.worker(
        fn_id=FAILER,
        event=ErasureProbe,
        retries=0,
        cancel=[],  # an explicit (empty) rule list is merged with erasure's
    )(failer)
    return registry


def other_gym_owner(world: World) -> dict[str, str]:
    gym_id = world.members["zed"].gym_id
    owner = Principal(user_id=uuid.uuid4(), gym_id=gym_id, role=Role.OWNER)
    return {"Authorization": f"Bearer {issue_token(world.settings, owner)}"}


async def rows_mentioning(engine: AsyncEngine, member_id: uuid.UUID) -> list[str]:
    """Every row of every table whose values contain the id (as text)."""
    needle = str(member_id)
    found = []
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in (await conn.execute(select(table))).all():
                if needle in repr(tuple(str(v) for v in row)):
                    found.append(table.name)
    return found


async def seed_member_data(client: httpx.AsyncClient, world: World) -> None:
    """Training, a visit, social activity in both directions."""
    ann, bob = world.auth("ann"), world.auth("bob")
    assert (
        await client.post("/api/v1/workouts", json=scenarios.SPIKE, headers=ann)
    ).status_code == 201
    visit = {"checked_in_at": "2026-01-01T10:00:00+00:00"}
    assert (
        await client.post("/api/v1/check-ins", json=visit, headers=ann)
    ).status_code == 201
    post = await client.post(
        "/api/v1/social/posts", json={"kind": "workout"}, headers=bob
    )
    post_id = post.json()["id"]
    for response in (
        await client.put(
            f"/api/v1/social/posts/{post_id}/reaction",
            json={"kind": "like"},
            headers=ann,
        ),
        await client.post(
            f"/api/v1/social/posts/{post_id}/comments",
            json={"body": "nice"},
            headers=ann,
        ),
        await client.put(f"/api/v1/social/follows/{world.id('bob')}", headers=ann),
        await client.put(f"/api/v1/social/follows/{world.id('ann')}", headers=bob),
    ):
        assert response.status_code in (200, 201), response.text


async def seed_job_state(engine: AsyncEngine, member_id: uuid.UUID) -> None:
    """A provider connection with tokens and an outbox row not yet sent."""
    async with create_sessionmaker(engine)() as session, session.begin():
        session.add(
            WearableConnection(
                member_id=member_id,
                provider="oura",
                external_user_id="oura-erase-me",
                device_kind="ring",
                access_token="tok-erase-me",
                refresh_token="refresh-erase-me",
            )
        )
        await session.execute(
            insert(OutboxEvent).values(
                id=f"platform/alerts.threshold-crossed:{member_id}:x",
                name="platform/alerts.threshold-crossed",
                category="alerts",
                resource_id=str(member_id),
                payload={"member_id": str(member_id)},
                status="pending",
                next_attempt_at=utcnow() + dt.timedelta(hours=1),
                attempts=3,
                rejections=0,
            )
        )


async def test_erasure_removes_every_row_and_cancels_runs(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    async with InngestServer(mode="cloud", sleep_scale=1.0, sleep_cap=30.0) as server:
        settings = settings_factory(
            INNGEST_ENABLED=True,
            INNGEST_EVENT_KEY="test-event-key",
            INNGEST_SIGNING_KEY=server.signing_key,
            INNGEST_BASE_URL=server.url,
            OUTBOX_POLL_INTERVAL_S=0.1,
        )
        world = await build_world(engine, settings)
        ann = world.id("ann")
        app = create_app(settings, registry=registry_with_probes())
        async with server.attach(app) as url:
            base = url.removesuffix("/api/inngest")
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await seed_member_data(client, world)
                await server.drain(timeout=WAIT_S)
                await seed_job_state(engine, ann)
                server.send(ErasureProbe.name, {"member_id": str(ann)})
                [failed] = await server.wait_for_runs(FAILER, timeout=WAIT_S)
                await server.wait_until(
                    lambda: any(r.calls for r in server.runs_for(SLEEPER)),
                    timeout=WAIT_S,
                )
                assert set(await rows_mentioning(engine, ann)) >= {
                    "members",
                    "workouts",
                    "check_ins",
                    "dead_letters",
                    "outbox_events",
                    "wearable_connections",
                    "reactions",
                    "follows",
                }
                refused = await client.delete(
                    f"/api/v1/members/{ann}", headers=world.auth("cara")
                )
                other_gym = await client.delete(
                    f"/api/v1/members/{ann}", headers=other_gym_owner(world)
                )
                erased = await client.delete(
                    f"/api/v1/members/{ann}", headers=world.auth("olga")
                )
                [sweep] = await server.wait_for_runs(
                    "privacy-sweep-erased-member", timeout=WAIT_S
                )
                [sleeping] = await server.wait_for_runs(SLEEPER, timeout=WAIT_S)
                # A late run about the erased member: a no-op, nothing written.
                server.send(
                    "platform/alerts.threshold-crossed",
                    {
                        "member_id": str(ann),
                        "metric": "readiness",
                        "level": "caution",
                        "rule": "readiness_low",
                    },
                )
                [late] = await server.wait_for_runs(
                    "alerts-record-threshold", timeout=WAIT_S
                )
                await server.drain(timeout=WAIT_S)

                async def outbox_swept() -> bool:
                    return "outbox_events" not in await rows_mentioning(engine, ann)

                await eventually(outbox_swept, "the erasure event's row to go")
    assert failed.status is RunStatus.FAILED
    assert (refused.status_code, other_gym.status_code) == (403, 404)
    assert erased.status_code == 202, erased.text
    assert erased.json()["rows"]["member"] == 1
    assert sweep.status is RunStatus.COMPLETED
    assert sleeping.status is RunStatus.CANCELLED
    assert late.status is RunStatus.FAILED
    assert late.error is not None
    assert late.error.message == "member_not_found"
    assert await rows_mentioning(engine, ann) == []
    async with engine.connect() as conn:
        digests = (await conn.scalars(select(ErasedMember.member_digest))).all()
    assert digests == [member_digest(ann)]
    late_reports = [
        e
        for e in sentry_capture.events
        if e.get("fingerprint") == ["inngest", "function", "alerts-record-threshold"]
    ]
    assert late_reports == []


async def test_erasure_in_inline_mode(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory(INNGEST_ENABLED=False)
    world = await build_world(engine, settings)
    ann = world.id("ann")
    async with (
        serve(create_app(settings)) as app,
        httpx.AsyncClient(base_url=app.url, timeout=30) as client,
    ):
        await seed_member_data(client, world)
        await seed_job_state(engine, ann)
        erased = await client.delete(
            f"/api/v1/members/{ann}", headers=world.auth("olga")
        )
        missing = await client.delete(
            f"/api/v1/members/{ann}", headers=world.auth("olga")
        )
    assert erased.status_code == 202
    assert missing.status_code == 404
    assert await rows_mentioning(engine, ann) == []


async def add_open_alert(engine: AsyncEngine, world: World, who: str) -> uuid.UUID:
    async with create_sessionmaker(engine)() as session, session.begin():
        alert = Alert(
            gym_id=world.members[who].gym_id,
            member_id=world.id(who),
            kind="threshold",
            rule="readiness_low",
            level="caution",
            reasons=[],
            alert_on=dt.date(2026, 1, 1),
        )
        session.add(alert)
    return alert.id


async def close_windows(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(NotificationBatch)
            .where(NotificationBatch.window_closes_at.is_not(None))
            .values(window_closes_at=utcnow() - dt.timedelta(minutes=1))
        )


async def test_erasure_clears_every_reference_and_keeps_others_shares(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    """Issue 16 #6: a coach's acknowledgement goes (the alert stays); a member
    who is one actor of a digest or a pending batch leaves the others' part
    (their pending notification is still delivered)."""
    settings = settings_factory(INNGEST_ENABLED=False)
    world = await build_world(engine, settings)
    ann, bob, cara = (world.id(w) for w in ("ann", "bob", "cara"))
    alert_id = await add_open_alert(engine, world, "bob")
    async with create_sessionmaker(engine)() as session, session.begin():
        shared_letter = DeadLetter(
            function_id="churn-scan",
            run_id="run-1",
            member_ids=f"{ann},{bob}",
            error_code="probe",
            mode="inline",
            recorded_by="test",
        )
        session.add(shared_letter)
    async with (
        serve(create_app(settings)) as app,
        httpx.AsyncClient(base_url=app.url, timeout=30) as client,
    ):
        acked = await client.post(
            f"/api/v1/alerts/{alert_id}/acknowledge", headers=world.auth("cara")
        )
        post = await client.post(
            "/api/v1/social/posts", json={"kind": "workout"}, headers=world.auth("olga")
        )
        post_id = post.json()["id"]
        for who in ("bob", "ann", "cara"):  # bob at once; ann + cara in a digest
            liked = await client.put(
                f"/api/v1/social/posts/{post_id}/reaction",
                json={"kind": "like"},
                headers=world.auth(who),
            )
            assert liked.status_code in (200, 201)
        await close_windows(engine)
        before = await client.get(
            "/api/v1/social/notifications", headers=world.auth("olga")
        )
        for who in ("ann", "bob"):  # a pending follow digest for cara: ann, bob
            followed = await client.put(
                f"/api/v1/social/follows/{cara}", headers=world.auth(who)
            )
            assert followed.status_code in (200, 201)
        erased_ann = await client.delete(
            f"/api/v1/members/{ann}", headers=world.auth("olga")
        )
        likes_after = await client.get(
            "/api/v1/social/notifications", headers=world.auth("olga")
        )
        await close_windows(engine)
        follows_after = await client.get(
            "/api/v1/social/notifications", headers=world.auth("cara")
        )
        erased_cara = await client.delete(
            f"/api/v1/members/{cara}", headers=world.auth("olga")
        )
    assert acked.status_code == 200
    assert (erased_ann.status_code, erased_cara.status_code) == (202, 202)
    digest_before = [n for n in before.json()["items"] if n["other_count"] == 1]
    assert [set(n["actor_ids"]) for n in digest_before] == [{str(ann), str(cara)}]
    # The like digest stays for olga, with cara alone.
    likes = {n["id"]: n for n in likes_after.json()["items"]}
    [digest] = [likes[n["id"]] for n in digest_before]
    assert (digest["lead_actor_id"], digest["actor_ids"]) == (str(cara), [str(cara)])
    assert (digest["other_count"], digest["text"]) == (0, "{actor} liked your workout")
    # Bob's pending follow still reaches cara.
    follows = [n for n in follows_after.json()["items"] if n["verb"] == "follow"]
    assert [n["actor_ids"] for n in follows] == [[str(bob)]]
    # Nothing names either erased person; bob's alert stays, unacknowledged.
    assert await rows_mentioning(engine, ann) == []
    assert await rows_mentioning(engine, cara) == []
    async with create_sessionmaker(engine)() as session:
        alert = await session.get(Alert, alert_id)
        letter = await session.get(DeadLetter, shared_letter.id)
    assert alert is not None
    assert alert.acknowledged_by is None
    assert letter is not None
    assert letter.member_ids == str(bob)  # bob's failed run is still on record
