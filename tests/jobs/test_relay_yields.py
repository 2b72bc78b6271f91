"""The in-process relay claims and marks rows between requests, not during one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import OutboxEvent, OutboxStatus
from app.runtime import build_runtime
from tests.fakes.event_api import FakeEventApi
from tests.support.serving import LoopbackServer
from tests.support.settings import relay_settings
from tests.support.waiting import eventually

pytestmark = pytest.mark.db


async def _leased_or_sent(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OutboxEvent))).all()
    return sum(
        1
        for row in rows
        if row.lease_owner is not None or row.status == OutboxStatus.SENT.value
    )


async def test_relay_waits_for_the_request_in_flight_then_sends(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    fake, server = event_api
    settings = relay_settings(
        settings_factory,
        server.url,
        OUTBOX_RELAY_WAKE_DELAY_MS=5000,  # the longest it may wait for a quiet moment
    )
    runtime = build_runtime(settings)
    try:
        async with runtime.sessionmaker() as session, session.begin():
            await session.execute(
                OutboxEvent.__table__.insert().values(  # type: ignore[attr-defined]
                    id="evt-1",
                    name="platform/test.yield",
                    category="scoring",
                    resource_id="r1",
                    payload={},
                )
            )
        runtime.in_flight.started()  # a request is being served
        cycle = asyncio.create_task(runtime.relay.run_once())
        await asyncio.sleep(0.2)
        assert not cycle.done()
        assert await _leased_or_sent(engine) == 0  # nothing claimed meanwhile
        runtime.in_flight.finished()
        result = await asyncio.wait_for(cycle, 10)
        assert result.sent == 1
        assert fake.event_ids == ["evt-1"]

        async def sent() -> bool:
            return await _leased_or_sent(engine) == 1

        await eventually(sent, "the row marked sent")
    finally:
        await runtime.dispose()
