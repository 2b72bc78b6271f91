"""S3: every worker run twice gives one effect.

A scenario drives every worker of the registry through the real app (inline
mode: the same handlers Inngest runs), recording each call. Then every
recorded call is made once more, crons included (a redelivered event, a
retried run, a second cron tick). The database must not change at all:
uniqueness and idempotent writes make the second run a no-op. A test fails if
a worker is added that the scenario does not reach.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import inngest
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.base import Base
from app.db.models import Gym
from app.db.session import create_sessionmaker
from app.integrations.wearables.fake_provider import FakeWearableProvider
from app.jobs.job_context import Handler, InlineJobContext, JobContext
from app.jobs.registry import Worker, load_workers
from app.main import create_app
from app.runtime import Runtime
from tests.e2e import scenarios
from tests.e2e import sync_social as ss
from tests.fakes import webhook_signing as ws
from tests.faults.harness import clone_registry
from tests.support.api_world import World, build_world
from tests.support.gym_builders import NOW, add_member
from tests.support.serving import serve

pytestmark = pytest.mark.db
# Bookkeeping that a re-run may touch without changing any effect: when a
# value was last (re)computed or fetched, and an optimistic-lock counter.
VOLATILE = {
    ("wearable_connections", "last_synced_at"),
    ("wearable_readings", "synced_at"),
    ("readiness_scores", "computed_at"),
    ("scores", "updated_at"),
    ("notification_batches", "version"),
}


class Recorder:
    def __init__(self) -> None:
        self.on = True
        self.calls: list[tuple[Worker, Any]] = []

    def wrap(self, worker: Worker) -> Handler:
        async def handler(event: Any, job: JobContext) -> Any:
            if self.on:
                self.calls.append((worker, event))
            return await worker.handler(event, job)

        return handler


async def dump(engine: AsyncEngine) -> dict[str, list[tuple[str, ...]]]:
    tables: dict[str, list[tuple[str, ...]]] = {}
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            keep = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            rows = (await conn.execute(select(*keep))).all()
            tables[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return tables


async def run_crons(runtime: Runtime) -> None:
    for worker in runtime.registry.workers:
        if worker.cron is not None:
            job = InlineJobContext(runtime, f"cron-{uuid.uuid4().hex}", 0)
            await worker.handler(None, job)


async def runtime_drain(runtime: Runtime) -> None:
    assert runtime.inline_runner is not None
    await runtime.inline_runner.drain()


async def add_leaver(engine: AsyncEngine, world: World) -> uuid.UUID:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = await session.get(Gym, world.members["ann"].gym_id)
        assert gym is not None
        leaver = add_member(session, gym)
    return leaver.id


async def drive_every_worker(
    client: httpx.AsyncClient,
    world: World,
    runtime: Runtime,
    provider: FakeWearableProvider,
    engine: AsyncEngine,
) -> None:
    ann, bob, olga = (world.auth(w) for w in ("ann", "bob", "olga"))
    responses: list[httpx.Response] = []
    # scoring + injury risk (+ coaches notified), then the daily churn scan
    # (per-gym scans, owners notified), then a visit that resolves churn
    responses.append(
        await client.post("/api/v1/workouts", json=scenarios.SPIKE, headers=ann)
    )
    await run_crons(runtime)
    visit = {"checked_in_at": NOW.isoformat()}
    responses.append(await client.post("/api/v1/check-ins", json=visit, headers=ann))
    # wearable sync: connect (history, readiness), then a webhook (bad night:
    # threshold alert)
    ss.seed_history(provider)
    connect = {
        "provider": "oura",
        "external_user_id": ss.OURA_USER,
        "access_token": ss.OURA_TOKEN,
    }
    responses.append(
        await client.post("/api/v1/wearables/connections", json=connect, headers=ann)
    )
    await runtime_drain(runtime)  # provider calls run after the response
    body = ss.oura_notification(ss.add_bad_night(provider))
    responses.append(
        await client.post(
            "/api/v1/webhooks/oura", content=body, headers=ws.oura_headers(body)
        )
    )
    await runtime_drain(runtime)
    # provisioning: a plan change rescores; a pause re-evaluates churn risk
    responses += [
        await client.patch(
            f"/api/v1/members/{world.id('ann')}",
            json={"plan_strength_days": 4},
            headers=olga,
        ),
        await client.post(
            f"/api/v1/members/{world.id('bob')}/pauses",
            json={"kind": "holiday", "starts_on": NOW.date().isoformat()},
            headers=olga,
        ),
    ]
    # social: a post fanned out, every interaction and its undo
    created = await client.post(
        "/api/v1/social/posts", json={"kind": "workout"}, headers=bob
    )
    responses.append(created)
    post = f"/api/v1/social/posts/{created.json()['id']}"
    follow = f"/api/v1/social/follows/{world.id('bob')}"
    responses += [
        await client.put(f"{post}/reaction", json={"kind": "like"}, headers=ann),
        await client.delete(f"{post}/reaction", headers=ann),
        await client.post(f"{post}/comments", json={"body": "ok"}, headers=ann),
        await client.put(follow, headers=ann),
        await client.delete(follow, headers=ann),
    ]
    # erasure of a member who joined for a day; then the crons again
    leaver = await add_leaver(engine, world)
    responses.append(await client.delete(f"/api/v1/members/{leaver}", headers=olga))
    await run_crons(runtime)
    bad = [
        (r.request.url.path, r.status_code) for r in responses if r.status_code >= 300
    ]
    assert bad == []


@pytest.fixture
async def stack(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[
    tuple[httpx.AsyncClient, World, Runtime, FakeWearableProvider, Recorder]
]:
    provider = FakeWearableProvider()
    recorder = Recorder()
    async with serve(provider.app, lifespan="off") as provider_server:
        settings = settings_factory(
            INNGEST_ENABLED=False,
            SOCIAL_FANOUT_CHUNK_SIZE=2,
            **ws.WEBHOOK_SETTINGS,
            **provider.base_urls(provider_server.url),
        )
        world = await build_world(engine, settings)
        await scenarios.seed_load_history(engine, world)
        await scenarios.seed_churn(engine, world)
        app = create_app(settings, registry=clone_registry(recorder.wrap))
        async with (
            serve(app) as server,
            httpx.AsyncClient(base_url=server.url, timeout=60) as client,
        ):
            yield client, world, app.state.runtime, provider, recorder


async def test_every_worker_run_twice_gives_one_effect(
    stack: tuple[httpx.AsyncClient, World, Runtime, FakeWearableProvider, Recorder],
    engine: AsyncEngine,
) -> None:
    client, world, runtime, provider, recorder = stack
    await drive_every_worker(client, world, runtime, provider, engine)
    reached = {worker.fn_id for worker, _ in recorder.calls}
    assert reached == {w.fn_id for w in load_workers().workers}
    once = await dump(engine)
    recorder.on = False
    outcomes: dict[str, int] = {}
    for worker, event in recorder.calls:
        job = InlineJobContext(runtime, f"again-{uuid.uuid4().hex}", 0)
        try:
            await worker.handler(event, job)
        except inngest.NonRetriableError as exc:  # e.g. the erased member: a no-op
            key = f"{worker.fn_id}:{exc}"
            outcomes[key] = outcomes.get(key, 0) + 1
    twice = await dump(engine)
    changed = {
        table: {"once": len(once[table]), "twice": len(twice[table])}
        for table in once
        if once[table] != twice[table]
    }
    print(f"S3 replayed={len(recorder.calls)} permanent={outcomes}")  # noqa: T201
    assert changed == {}
    assert all(code.endswith("member_not_found") for code in outcomes)
