"""dispatch with Inngest enabled: outbox → relay → event API, over real HTTP."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import sentry_sdk
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Gym, OutboxEvent, OutboxStatus
from tests.fakes.event_api import HANG_S, FakeEventApi, Mode
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.support import waiting
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import LoopbackServer, serve
from tests.support.settings import relay_settings

pytestmark = pytest.mark.db

SIGNING_KEY = "signkey-test-" + "ab" * 32
WAIT_S = 15.0


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    await waiting.eventually(check, what, timeout=WAIT_S)


@pytest.fixture
def enabled_settings(
    settings_factory: Callable[..., Settings],
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> Settings:
    _, server = event_api
    return relay_settings(
        settings_factory,
        server.url,
        INNGEST_SIGNING_KEY=SIGNING_KEY,
        INNGEST_SEND_TIMEOUT_MS=300,
        INNGEST_SEND_DEADLINE_S=1.0,
    )


@pytest.fixture
async def app_url(
    enabled_settings: Settings, engine: AsyncEngine
) -> AsyncIterator[str]:
    app = build_probe_app(enabled_settings, ProbeWorker())
    async with serve(app) as server:
        yield server.url


async def post_probe(app_url: str, **body: Any) -> tuple[httpx.Response, float]:
    async with httpx.AsyncClient(timeout=10) as client:
        started = time.monotonic()
        response = await client.post(f"{app_url}/probe", json=body)
        return response, time.monotonic() - started


async def outbox_row(engine: AsyncEngine, event_id: str) -> OutboxEvent | None:
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(OutboxEvent).where(OutboxEvent.id == event_id))
        ).first()
    return None if row is None else OutboxEvent(**row._asdict())


def dispatch_events(capture: CapturingTransport) -> list[dict[str, Any]]:
    return [e for e in capture.events if e.get("fingerprint", [None])[0] == "inngest"]


async def test_event_arrives_with_outbox_id_as_its_id(
    app_url: str, event_api: tuple[FakeEventApi, LoopbackServer], engine: AsyncEngine
) -> None:
    fake, _ = event_api
    response, _ = await post_probe(app_url)
    assert response.status_code == 201
    event_id = response.json()["event_id"]
    gym_id = response.json()["gym_id"]

    async def delivered() -> bool:
        return event_id in fake.event_ids

    await eventually(delivered, "the event at the event API")
    [event] = [e for e in fake.received if e["id"] == event_id]
    assert event["name"] == "platform/scoring.probe-recorded"
    assert event["data"] == {"gym_id": gym_id}
    row = await outbox_row(engine, event_id)
    assert row is not None
    await eventually(
        lambda: _status_is(engine, event_id, OutboxStatus.SENT), "row marked sent"
    )


async def _status_is(engine: AsyncEngine, event_id: str, status: OutboxStatus) -> bool:
    row = await outbox_row(engine, event_id)
    return row is not None and row.status == status.value


@pytest.mark.parametrize("fault", ["refused", "hanging", "bad_gateway_html"])
async def test_event_api_down_never_blocks_caller_and_event_is_delivered_later(
    fault: str,
    app_url: str,
    event_api: tuple[FakeEventApi, LoopbackServer],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    fake, server = event_api
    if fault == "refused":
        await server.stop()  # the port is closed: connections are refused
    else:
        fake.mode = Mode.HANG if fault == "hanging" else Mode.BAD_GATEWAY_HTML

    response, elapsed = await post_probe(app_url)
    assert response.status_code == 201
    # Relative to the fault, not to the machine: a hung event API holds a
    # send for HANG_S (600 s); the caller must answer nowhere near that.
    assert elapsed < HANG_S / 60, f"the caller waited {elapsed:.2f}s on Inngest"
    event_id = response.json()["event_id"]

    async def failed_twice() -> bool:
        row = await outbox_row(engine, event_id)
        return row is not None and row.attempts >= 2

    await eventually(failed_twice, "two failed send attempts")
    [report] = dispatch_events(sentry_capture)
    assert report["fingerprint"] == [
        "inngest",
        "dispatch",
        "platform/scoring.probe-recorded",
    ]
    assert report["tags"]["event_name"] == "platform/scoring.probe-recorded"
    assert report["tags"]["category"] == "scoring"
    assert report["tags"]["resource_id"] == response.json()["gym_id"]
    assert report["contexts"]["inngest"]["event_id"] == event_id
    row = await outbox_row(engine, event_id)
    assert row is not None
    assert row.status == OutboxStatus.PENDING.value

    if fault == "refused":
        await server.start()  # same port: the API is back
    fake.mode = Mode.ACCEPT

    async def delivered() -> bool:
        return event_id in fake.event_ids

    await eventually(delivered, "delivery once the API is back")
    await eventually(
        lambda: _status_is(engine, event_id, OutboxStatus.SENT), "row marked sent"
    )
    assert len(dispatch_events(sentry_capture)) == 1


async def test_rolled_back_request_sends_nothing(
    app_url: str, event_api: tuple[FakeEventApi, LoopbackServer], engine: AsyncEngine
) -> None:
    fake, _ = event_api
    response, _ = await post_probe(app_url, fail_after_dispatch=True)
    assert response.status_code == 409
    ok, _ = await post_probe(app_url)  # a later dispatch proves the relay ran
    ok_id = ok.json()["event_id"]

    async def delivered() -> bool:
        return ok_id in fake.event_ids

    await eventually(delivered, "the committed event")
    assert fake.event_ids == [ok_id]
    async with engine.connect() as conn:
        gyms = (await conn.execute(select(Gym.id))).all()
        rows = (await conn.execute(select(OutboxEvent.id))).all()
    assert len(gyms) == 1
    assert [r.id for r in rows] == [ok_id]


async def test_poison_event_goes_dead_without_blocking_others(
    app_url: str, event_api: tuple[FakeEventApi, LoopbackServer], engine: AsyncEngine
) -> None:
    fake, _ = event_api
    fake.mode = Mode.REJECT
    bad, _ = await post_probe(app_url)
    bad_id = bad.json()["event_id"]

    async def dead() -> bool:
        return await _status_is(engine, bad_id, OutboxStatus.DEAD)

    await eventually(dead, "the rejected row to be dead")
    row = await outbox_row(engine, bad_id)
    assert row is not None
    assert row.rejections == 5
    assert row.last_error == "event_rejected"
    fake.mode = Mode.ACCEPT
    good, _ = await post_probe(app_url)
    good_id = good.json()["event_id"]

    async def delivered() -> bool:
        return good_id in fake.event_ids

    await eventually(delivered, "the good event")
    assert bad_id not in fake.event_ids
    assert uuid.UUID(good_id).version == 4


async def test_commits_during_the_wake_delay_share_one_send(
    enabled_settings: Settings,
    event_api: tuple[FakeEventApi, LoopbackServer],
    engine: AsyncEngine,
) -> None:
    """`OUTBOX_RELAY_WAKE_DELAY_MS`: the first commit wakes the relay, which
    waits before claiming, so commits inside that window go out in one send."""
    fake, _ = event_api
    settings = enabled_settings.model_copy(update={"OUTBOX_RELAY_WAKE_DELAY_MS": 2000})
    app = build_probe_app(settings, ProbeWorker())
    async with serve(app) as server:
        responses = await asyncio.gather(*(post_probe(server.url) for _ in range(3)))
        assert fake.requests == 0, "the relay sent before its wake delay ended"
        ids = {response.json()["event_id"] for response, _ in responses}

        async def delivered() -> bool:
            return ids <= set(fake.event_ids)

        await eventually(delivered, "the three events")
    assert fake.requests == 1
    assert sorted(fake.event_ids) == sorted(ids)


async def test_relay_cycles_leave_no_breadcrumbs_in_the_process_scope(
    app_url: str,
    event_api: tuple[FakeEventApi, LoopbackServer],
    sentry_capture: CapturingTransport,
) -> None:
    """Every request and Inngest call starts from a copy of the process's
    Sentry scope: a relay cycle's SQL, send and log breadcrumbs stay in the
    cycle's own scope instead of riding along in every later report."""
    fake, _ = event_api
    response, _ = await post_probe(app_url)
    event_id = response.json()["event_id"]

    async def delivered() -> bool:
        return event_id in fake.event_ids

    await eventually(delivered, "the event at the event API")
    sentry_sdk.capture_message("after a relay cycle")
    [event] = [e for e in sentry_capture.events if e.get("message")]
    crumbs = event.get("breadcrumbs", {}).get("values", [])
    cycle_crumbs = [
        c
        for c in crumbs
        if c.get("message") == "relay.sent"
        or "RETURNING" in str(c.get("message"))  # the claim
        or "SET status=" in str(c.get("message"))  # marking sent
    ]
    assert cycle_crumbs == []
