"""S10: SIGTERM to a real uvicorn process. /readyz turns 503 at once while
connections are still accepted (the drain), the request in flight completes,
the relay gives its leased rows back, and the process exits 0."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.base import utcnow
from app.db.models import OutboxEvent
from tests.fakes.event_api import FakeEventApi, Mode
from tests.faults.harness import EVENT_KEY, SIGNING_KEY, free_port
from tests.faults.processes import ROOT, app_env, uvicorn_command
from tests.support.serving import LoopbackServer
from tests.support.settings import TEST_AUTH_SECRET
from tests.support.waiting import eventually

pytestmark = pytest.mark.db
DRAIN_S = 1.0
SLOW_S = 1.5
ROWS = 5


async def seed_outbox(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for n in range(ROWS):
            await conn.execute(
                insert(OutboxEvent).values(
                    id=f"shutdown-{n}",
                    name="platform/scoring.calculate",
                    category="scoring",
                    resource_id="r",
                    payload={},
                    status="pending",
                    created_at=utcnow(),
                    next_attempt_at=utcnow() - dt.timedelta(seconds=1),
                    attempts=0,
                    rejections=0,
                )
            )


async def leased(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        rows = await conn.scalars(
            select(OutboxEvent.id).where(OutboxEvent.lease_owner.is_not(None))
        )
        return len(rows.all())


async def test_sigterm_drains_finishes_requests_releases_rows_and_exits_0(
    database_url: str,
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
    tmp_path: Path,
) -> None:
    fake, api = event_api
    fake.mode = Mode.HANG  # the relay is stuck in a send when SIGTERM comes
    await seed_outbox(engine)
    port = free_port()
    env = app_env(
        APP_ENV="test",
        AUTH_SECRET=TEST_AUTH_SECRET,
        DATABASE_URL=database_url,
        INNGEST_ENABLED="true",
        INNGEST_EVENT_KEY=EVENT_KEY,
        INNGEST_SIGNING_KEY=SIGNING_KEY,
        INNGEST_EVENT_API_BASE_URL=api.url,
        INNGEST_API_BASE_URL=api.url,
        INNGEST_SEND_TIMEOUT_MS="500",
        INNGEST_SEND_DEADLINE_S="1",
        SHUTDOWN_DRAIN_S=str(DRAIN_S),
        LOG_FORMAT="json",
    )
    command = uvicorn_command(
        "tests.faults.shutdown_app:create_app", port, "--timeout-graceful-shutdown", "5"
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        try:

            async def up() -> bool:
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(up, "the server to answer", timeout=30)
            await eventually(lambda: _any_leased(engine), "the relay to lease rows")
            slow = asyncio.create_task(client.get("/slow", params={"seconds": SLOW_S}))
            await asyncio.sleep(0.2)  # the slow request is in flight
            assert (await client.get("/readyz")).status_code == 200
            process.send_signal(signal.SIGTERM)
            sigterm_at = time.monotonic()

            async def not_ready() -> bool:
                async with httpx.AsyncClient(base_url=base, timeout=2) as fresh:
                    return (await fresh.get("/readyz")).status_code == 503

            not_ready_after = await eventually(not_ready, "/readyz 503", timeout=5)
            slow_response = await slow
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
            exited_after = time.monotonic() - sigterm_at
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = output.decode()
    print(  # noqa: T201
        f"S10 readyz_503_after={not_ready_after:.2f}s exit={process.returncode}"
        f" exited_after={exited_after:.2f}s"
    )
    assert not_ready_after < 1.0
    assert slow_response.status_code == 200  # not cut
    assert process.returncode == 0, log[-2000:]
    assert "app.draining" in log
    assert "relay.stopped" in log
    assert await leased(engine) == 0  # the relay gave its batch back
    assert exited_after < DRAIN_S + 5 + 10
    assert str(ROOT) in env["PYTHONPATH"]


async def _any_leased(engine: AsyncEngine) -> bool:
    return await leased(engine) > 0
