"""S2: the crash points of the dual write (database + Inngest).

(a) a rolled-back request publishes nothing; (b) the relay dies after the
event API accepted a batch but before the rows were marked sent; (c) the API
applies a batch but answers 503. In (b) and (c) the event is delivered again
and causes exactly one effect: the outbox row id is the Inngest event id, so
Inngest de-duplicates it. Redeliveries are counted, not hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.core.config import Settings
from app.db.models import Gym, OutboxEvent, OutboxStatus, Score
from app.jobs.event_sender import EventSender
from app.jobs.outbox_relay import OutboxRelay
from tests.e2e import scenarios
from tests.fakes.event_api import FakeEventApi
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.faults.harness import (
    SIGNING_KEY,
    InngestStack,
    inngest_stack,
)
from tests.inngest_server import RunStatus
from tests.support.serving import LoopbackServer, serve, serve_asgi
from tests.support.settings import relay_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.db
SCORING = "scoring-calculate"
WAIT_S = 20.0


class SimulatedCrashError(Exception):
    """The relay process dies right after the API accepted the batch."""


class CrashAfterSend:
    def __init__(self, sender: EventSender) -> None:
        self._sender = sender

    async def send(self, rows: Sequence[OutboxEvent]) -> None:
        await self._sender.send(rows)
        raise SimulatedCrashError()


class ApplyThen503:
    """In front of the stand-in's event API: forwards, then lies with a 503."""

    def __init__(self, upstream: str, lies: int) -> None:
        self.upstream = upstream
        self.lies = lies
        self.forwarded = 0
        self.app = Starlette(routes=[Route("/e/{key}", self._post, methods=["POST"])])

    async def _post(self, request: Request) -> Response:
        async with httpx.AsyncClient(timeout=10) as client:
            upstream = await client.post(
                f"{self.upstream}/e/{request.path_params['key']}",
                content=await request.body(),
                headers={"content-type": "application/json"},
            )
        self.forwarded += 1
        if self.lies > 0:
            self.lies -= 1
            return PlainTextResponse("<html>503 Service Unavailable</html>", 503)
        return Response(upstream.content, upstream.status_code, upstream.headers)


async def log_spike(stack: InngestStack) -> str:
    response = await stack.client.post(
        "/api/v1/workouts", json=scenarios.SPIKE, headers=stack.world.auth("ann")
    )
    assert response.status_code == 201
    event_id: str = response.json()["event_id"]
    return event_id


async def count(engine: AsyncEngine, model: Any) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)) or 0)


async def test_rolled_back_request_publishes_nothing(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    fake, api = event_api
    settings = relay_settings(
        settings_factory, api.url, INNGEST_SIGNING_KEY=SIGNING_KEY
    )
    async with (
        serve(build_probe_app(settings, ProbeWorker())) as app,
        httpx.AsyncClient(base_url=app.url, timeout=10) as client,
    ):
        failed = await client.post("/probe", json={"fail_after_dispatch": True})
        committed = await client.post("/probe", json={})
        committed_id = committed.json()["event_id"]

        async def delivered() -> bool:
            return committed_id in fake.event_ids

        await eventually(delivered, "the committed event")
    assert failed.status_code == 409
    assert fake.event_ids == [committed_id]  # nothing from the rolled-back one
    assert await count(engine, Gym) == 1
    assert await count(engine, OutboxEvent) == 1


async def test_relay_crash_after_accept_gives_exactly_one_effect(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    async with inngest_stack(
        settings_factory, engine, OUTBOX_RELAY_IN_PROCESS=False, OUTBOX_LEASE_S=0.3
    ) as stack:
        event_id = await log_spike(stack)
        runtime = stack.runtime
        sender = EventSender(runtime.inngest_client, 3.0)
        doomed = OutboxRelay(
            runtime.sessionmaker,
            CrashAfterSend(sender),  # type: ignore[arg-type]
            runtime.settings,
        )
        with pytest.raises(SimulatedCrashError):
            await doomed.run_once()  # accepted by the API, never marked sent
        await stack.server.wait_for_runs(SCORING, timeout=WAIT_S)

        async def lease_expired() -> bool:
            result = await runtime.relay.run_once()  # a restarted relay
            return result.sent == 1

        await eventually(lease_expired, "the restarted relay to re-send")
        await stack.server.drain(timeout=WAIT_S)
        received = [e for e in stack.server.events if e.id == event_id]
        runs = stack.server.runs_for(SCORING)
    print(f"S2(b) received={len(received)} runs={len(runs)}")  # noqa: T201
    assert len(received) == 2  # the redelivery happened and is visible
    assert [r.status for r in runs] == [RunStatus.COMPLETED]  # one effect
    assert await count(engine, Score) == 1
    async with engine.connect() as conn:
        status = await conn.scalar(
            select(OutboxEvent.status).where(OutboxEvent.id == event_id)
        )
    assert status == OutboxStatus.SENT.value


async def test_applied_but_answered_503_gives_exactly_one_effect(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    proxy = ApplyThen503(upstream="", lies=2)  # upstream: set once the stand-in is up
    async with (
        serve_asgi(proxy.app) as proxy_url,
        inngest_stack(settings_factory, engine, lambda _: proxy_url) as stack,
    ):
        proxy.upstream = stack.server.url
        event_id = await log_spike(stack)
        await stack.server.wait_for_runs(SCORING, timeout=WAIT_S)
        await stack.server.drain(timeout=WAIT_S)

        async def marked_sent() -> bool:
            async with engine.connect() as conn:
                status = await conn.scalar(
                    select(OutboxEvent.status).where(OutboxEvent.id == event_id)
                )
            return status == OutboxStatus.SENT.value

        await eventually(marked_sent, "the row marked sent")
        received = [e for e in stack.server.events if e.id == event_id]
        runs = stack.server.runs_for(SCORING)
    print(  # noqa: T201
        f"S2(c) forwarded={proxy.forwarded} received={len(received)} runs={len(runs)}"
    )
    assert proxy.forwarded >= 3  # applied twice while answered 503, then OK
    assert len(received) >= 3
    assert [r.status for r in runs] == [RunStatus.COMPLETED]
    assert await count(engine, Score) == 1
