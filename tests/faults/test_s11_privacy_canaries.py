"""S11: privacy canaries (an email, a health value, a token) pushed through
every path, failures included, reach no log line, no Sentry event or
breadcrumb, no event payload, no error body and no step output. Neither do
the event key and the signing key.

Paths: a validation error, an unhandled exception in a route (health values
in its body, query and locals), a worker step failing with health values in
its locals, a provider error whose body carries the canaries, a wearable
token, and the relay's sends (the event key is in the event-API URL). The metrics
exposition (`/metrics`) carries none of them either, and its labels stay
bounded (route templates, registered function ids).
"""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deps import SessionDep
from app.core.config import Settings
from app.db.models import Gym
from app.integrations.wearables.fake_provider import FakeWearableProvider, Fault
from app.jobs.events.base import PlatformEvent
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry
from app.main import create_app
from tests.e2e import sync_social as ss
from tests.faults.harness import clone_registry
from tests.inngest_server import InngestServer, RunStatus
from tests.support.api_world import build_world
from tests.support.metrics_scrape import scrape
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve

pytestmark = pytest.mark.db
EMAIL = "jane.canary@example.com"
HRV = "HRV_CANARY_4242"
TOKEN = "tok_CANARY_9f8e7d"
EVENT_KEY = "EVENTKEY_CANARY_1234567890"
WAIT_S = 30.0
# A route label: "unmatched", or a template of literal segments and {params}.
TEMPLATE = re.compile(r"unmatched|(/([a-z0-9_.-]+|\{[a-z_]+(:path)?\}))+")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


class CanaryProbe(PlatformEvent):
    """Test-only event (outside app.jobs.events: not in the catalog)."""

    name = "platform/sync.canary-probe"
    member_id: uuid.UUID


async def leaky_worker(event: CanaryProbe, job: JobContext) -> dict[str, str]:
    profile = {"email": EMAIL, "hrv_rmssd": HRV, "token": TOKEN}

    async def load() -> str:
        secret_locals = dict(profile)  # health data in a local of the step
        if secret_locals:
            raise RuntimeError("metric_unavailable")  # a code, never a value
        return "unreachable"

    return {"loaded": await job.step("load-metrics", load)}


def registry_with_canary_worker() -> WorkerRegistry:
    registry = clone_registry()
    registry.worker(fn_id="canary-leaky", event=CanaryProbe, retries=0)(leaky_worker)
    return registry


def add_crashing_route(app: FastAPI) -> None:
    @app.post("/canary-crash")
    async def crash(request: Request) -> dict[str, str]:
        body = await request.json()  # health values held in a local
        if body:
            raise RuntimeError("handler_failed")
        return {}


def capture_logs() -> io.StringIO:
    """The real, configured formatter (JSON, as in production) into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    return buffer


def canaries(settings: Settings) -> dict[str, str]:
    signing_key = settings.INNGEST_SIGNING_KEY
    assert signing_key is not None
    key = signing_key.get_secret_value()
    return {
        "email": EMAIL,
        "health value": HRV,
        "token": TOKEN,
        "event key": EVENT_KEY,
        "signing key": key.split("-")[-1],
    }


async def test_canaries_reach_no_log_sentry_payload_or_error_body(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    provider = FakeWearableProvider()
    provider.tokens.add(TOKEN)
    leak = json.dumps({"error": f"user {EMAIL} hrv {HRV} token {TOKEN}"}).encode()
    provider.faults.append(Fault(400, body=leak))
    bodies: list[str] = []
    async with (
        serve(provider.app, lifespan="off") as provider_server,
        InngestServer(mode="cloud", event_keys=[EVENT_KEY]) as server,
    ):
        settings = settings_factory(
            INNGEST_ENABLED=True,
            INNGEST_EVENT_KEY=EVENT_KEY,
            INNGEST_SIGNING_KEY=server.signing_key,
            INNGEST_BASE_URL=server.url,
            OUTBOX_POLL_INTERVAL_S=0.1,
            LOG_FORMAT="json",
            **provider.base_urls(provider_server.url),
        )
        world = await build_world(engine, settings)
        app = create_app(settings, registry=registry_with_canary_worker())
        add_crashing_route(app)
        logs = capture_logs()
        async with server.attach(app) as url:
            base = url.removesuffix("/api/inngest")
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                invalid = await client.post(
                    "/api/v1/check-ins",
                    json={"checked_in_at": EMAIL, "member_id": HRV, "notes": TOKEN},
                    headers=world.auth("ann"),
                )
                crashed = await client.post(
                    f"/canary-crash?email={EMAIL}",
                    json={"hrv": HRV, "email": EMAIL, "access_token": TOKEN},
                    headers={"x-member-email": EMAIL, "cookie": f"sid={TOKEN}"},
                )
                connected = await client.post(
                    "/api/v1/wearables/connections",
                    json={
                        "provider": "oura",
                        "external_user_id": ss.OURA_USER,
                        "access_token": TOKEN,
                    },
                    headers=world.auth("ann"),
                )
                bodies += [invalid.text, crashed.text, connected.text]
            server.send(CanaryProbe.name, {"member_id": str(world.id("ann"))})
            [sync] = await server.wait_for_runs("sync-wearable-data", timeout=WAIT_S)
            [leaky] = await server.wait_for_runs("canary-leaky", timeout=WAIT_S)
            await server.drain(timeout=WAIT_S)
            metrics = await scrape(base)
        runs = [
            {
                "output": r.output,
                "error": r.error and r.error.to_dict(),
                "steps": [dict(vars(s)) for s in r.steps],
            }
            for r in server.runs
        ]
        events = [{"name": e.name, "data": e.data} for e in server.events]
    assert (invalid.status_code, crashed.status_code) == (422, 500)
    # The app's own access line for the crash (its URL carried an email).
    crash_lines = [
        line
        for line in map(json.loads, logs.getvalue().splitlines())
        if line.get("event") == "http.request" and line["path"] == "/canary-crash"
    ]
    assert [line["status"] for line in crash_lines] == [500]
    assert connected.status_code == 201
    assert (sync.status, leaky.status) == (RunStatus.FAILED, RunStatus.FAILED)
    sentry_events = sentry_capture.events
    assert len(sentry_events) >= 3  # the route crash, the sync and the step failure
    assert any(e.get("breadcrumbs", {}).get("values") for e in sentry_events)
    places = {
        "logs": logs.getvalue(),
        "sentry": json.dumps(sentry_events, default=str),
        "event payloads": json.dumps(events, default=str),
        "runs (error bodies, step outputs)": json.dumps(runs, default=str),
        "response bodies": json.dumps(bodies),
        "metrics": metrics.text,
    }
    found = {
        f"{what} in {where}"
        for where, text in places.items()
        for what, value in canaries(settings).items()
        if value in text
    }
    assert found == set()
    assert "metric_unavailable" in places["runs (error bodies, step outputs)"]
    # Metric labels stay bounded: route templates (of the apps this process
    # built), registered function ids; never a raw path or an id.
    templates = set(app.openapi()["paths"])
    routes = metrics.label_values("route")
    assert templates & routes  # this app's requests are counted by template
    assert {r for r in routes if not TEMPLATE.fullmatch(r)} == set()
    functions = {w.fn_id for w in registry_with_canary_worker().workers}
    assert functions & metrics.label_values("function")
    assert {f for f in metrics.label_values("function") if UUID.search(f)} == set()
    failed = metrics.value(
        "gymjobs_inngest_calls_total", function="canary-leaky", outcome="failed"
    )
    assert failed >= 1  # counted (per process: both backends add to it)
    # The route crash's event: the SDK collected no header, cookie, query
    # string, body or user of the request (data_collection, app/core/sentry.py).
    [crash] = [
        e
        for e in sentry_events
        if e.get("request", {}).get("url", "").endswith("/canary-crash")
    ]
    assert set(crash["request"]) <= {"url", "method", "env", "headers"}, crash[
        "request"
    ]
    assert crash["request"].get("headers") == {}, crash["request"]
    assert crash.get("user", {}) == {}
    frames = [
        frame
        for value in crash["exception"]["values"]
        for frame in value["stacktrace"]["frames"]
    ]
    assert frames
    assert not [frame for frame in frames if "vars" in frame]


def add_failing_write_route(app: FastAPI) -> None:
    """A write that fails in the database with canaries among its parameters
    (as a duplicate key or a constraint would)."""

    @app.post("/canary-db-crash")
    async def crash_in_db(session: SessionDep) -> dict[str, str]:
        gym_id = uuid.uuid4()
        for _ in range(2):  # the second insert of one id fails
            await session.execute(
                insert(Gym).values(id=gym_id, name=f"{HRV} {TOKEN} {EMAIL}")
            )
        return {}


async def test_unstorable_text_and_failed_writes_leak_nothing(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    """Issue 16 #2: a NUL (PostgreSQL cannot store it) in a text field or a
    token is refused with 422 before any write; a write that fails anyway
    puts no parameter value into a log line, a Sentry event or the answer."""
    settings = settings_factory(LOG_FORMAT="json")
    world = await build_world(engine, settings)
    app = create_app(settings)
    add_failing_write_route(app)
    logs = capture_logs()
    async with (
        serve(app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        post = await client.post(
            "/api/v1/social/posts",
            json={"kind": "note", "body": f"{HRV}\u0000{EMAIL}"},
            headers=world.auth("ann"),
        )
        connection = await client.post(
            "/api/v1/wearables/connections",
            json={
                "provider": "oura",
                "external_user_id": ss.OURA_USER,
                "access_token": f"{TOKEN}\u0000",
            },
            headers=world.auth("ann"),
        )
        surrogate = await client.post(
            "/api/v1/social/posts",
            content=b'{"kind": "note", "body": "HRV_CANARY_4242 \\ud800"}',
            headers={**world.auth("ann"), "content-type": "application/json"},
        )
        crashed = await client.post("/canary-db-crash")
    assert [post.status_code, connection.status_code, surrogate.status_code] == [
        422,
        422,
        422,
    ]
    assert post.json()["code"] == "invalid_request"
    assert crashed.status_code == 500
    places = {
        "logs": logs.getvalue(),
        "sentry": json.dumps(sentry_capture.events, default=str),
        "response bodies": json.dumps(
            [post.text, connection.text, surrogate.text, crashed.text]
        ),
    }
    found = {
        f"{what} in {where}"
        for where, value_text in places.items()
        for what, value in {"email": EMAIL, "health value": HRV, "token": TOKEN}.items()
        if value in value_text
    }
    assert found == set()
    assert "[parameters" not in places["logs"] + places["sentry"]
    assert sentry_capture.events  # the failed write was reported (without values)
