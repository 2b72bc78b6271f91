"""dispatch with Inngest disabled: the same worker handler runs inline, awaited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import InstrumentedAttribute

from app.core.config import Settings
from app.db.models import Gym, OutboxEvent
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve

pytestmark = pytest.mark.db


async def count(engine: AsyncEngine, column: InstrumentedAttribute[Any]) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count(column)))).scalar_one())


async def test_same_handler_runs_inline_before_the_response(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    worker = ProbeWorker()
    app = build_probe_app(settings_factory(INNGEST_ENABLED=False), worker)
    async with serve(app) as server, httpx.AsyncClient() as client:
        response = await client.post(f"{server.url}/probe", json={})
    assert response.status_code == 201
    assert worker.calls == [uuid.UUID(response.json()["gym_id"])]
    [actor] = worker.actors
    assert actor is not None
    assert actor.kind == "system"
    assert actor.function_id == "probe-record"
    assert actor.audit_tag.startswith("job:probe-record:inline-")
    assert await count(engine, OutboxEvent.id) == 0  # inline mode has no outbox


async def test_failing_handler_retries_then_reports_once_and_keeps_the_write(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker(fail_times=100)
    settings = settings_factory(INNGEST_ENABLED=False, INNGEST_RETRIES=2)
    app = build_probe_app(settings, worker)
    async with serve(app) as server, httpx.AsyncClient() as client:
        response = await client.post(f"{server.url}/probe", json={})
    assert response.status_code == 201
    assert worker.attempts == 3  # retries + 1
    assert worker.calls == []
    assert await count(engine, Gym.id) == 1
    [report] = sentry_capture.events
    assert report["fingerprint"] == ["inngest", "function", "probe-record"]
    assert report["tags"]["mode"] == "inline"
    assert report["tags"]["resource_id"] == response.json()["gym_id"]


async def test_transient_failure_recovers_on_retry(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker(fail_times=1)
    app = build_probe_app(settings_factory(INNGEST_ENABLED=False), worker)
    async with serve(app) as server, httpx.AsyncClient() as client:
        response = await client.post(f"{server.url}/probe", json={})
    assert response.status_code == 201
    assert worker.attempts == 2
    assert len(worker.calls) == 1
    assert sentry_capture.events == []


async def test_rollback_runs_nothing_inline(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    worker = ProbeWorker()
    app = build_probe_app(settings_factory(INNGEST_ENABLED=False), worker)
    async with serve(app) as server, httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.url}/probe", json={"fail_after_dispatch": True}
        )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert worker.attempts == 0
    assert await count(engine, Gym.id) == 0
