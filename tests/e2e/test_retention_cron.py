"""The daily retention purge through the Inngest stand-in: one memoised
clock step, then bounded batches per store, the same cutoffs for all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.jobs.workers import retention as retention_worker
from app.main import create_app
from tests.inngest_server import InngestServer, RunStatus
from tests.services.test_retention import add_sent_backlog, remaining, seed
from tests.support.inngest_app import inngest_settings

pytestmark = pytest.mark.db
WAIT_S = 30.0
FN_ID = "privacy-purge-expired-records"


async def test_the_cron_purges_expired_rows_in_batches(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await seed(engine)
    await add_sent_backlog(engine, 250, days_ago=9)
    # Batches of 100, at most 2 per store: 251 expired sent rows take 2 full
    # batches in this run and leave 51 for the next one.
    monkeypatch.setattr(retention_worker, "MAX_BATCHES_PER_STORE", 2)
    async with InngestServer(mode="cloud") as server:
        settings = inngest_settings(
            settings_factory,
            server,
            RETENTION_BATCH_SIZE=100,
            # The seeded pending row stays pending: no relay sends it here.
            OUTBOX_RELAY_IN_PROCESS=False,
        )
        async with server.attach(create_app(settings)):
            first = server.fire_cron(FN_ID)
            await server.wait_for_runs(FN_ID, 1, timeout=WAIT_S)
            await server.drain(timeout=WAIT_S)
            next_tick = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
            second = server.fire_cron(FN_ID, at=next_tick)
            await server.wait_for_runs(FN_ID, 2, timeout=WAIT_S)
            await server.drain(timeout=WAIT_S)
    assert [first.status, second.status] == [RunStatus.COMPLETED] * 2
    assert all(call.signature_ok for run in (first, second) for call in run.calls)
    assert first.output == {
        "deleted": {
            "sent-events": 200,
            "dead-events": 1,
            "dead-letters": 1,
            "applied-interactions": 1,
            "webhook-deliveries": 1,
        },
        "unfinished": ["sent-events"],
    }
    assert first.step_names() == [
        "now",
        "purge-sent-events-0",
        "purge-sent-events-1",
        "purge-dead-events-0",
        "purge-dead-letters-0",
        "purge-applied-interactions-0",
        "purge-webhook-deliveries-0",
    ]
    assert second.output["deleted"]["sent-events"] == 51
    assert second.output["unfinished"] == []
    assert await remaining(engine) == {
        "outbox": ["dead-new", "pending-old", "sent-new"],
        "dead_letters": ["run-new"],
        "applied": ["unlike"],
        "deliveries": ["processed-new", "unprocessed-old"],
    }
