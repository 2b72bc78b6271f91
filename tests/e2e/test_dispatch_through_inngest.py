"""API request → outbox → event API → signed invocation → worker, through the
Inngest stand-in, with retries, final failures and bad input."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.inngest_server import InngestServer, RunStatus, new_signing_key
from tests.support.inngest_app import inngest_settings
from tests.support.sentry_capture import CapturingTransport

pytestmark = pytest.mark.db
FN = "probe-record"
CANARY = "HRV_CANARY_4242"


async def post_probe(app_url: str) -> dict[str, str]:
    base = app_url.removesuffix("/api/inngest")
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{base}/probe", json={})
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    return body


def function_reports(capture: CapturingTransport) -> list[dict[str, object]]:
    return [
        e for e in capture.events if e.get("fingerprint") == ["inngest", "function", FN]
    ]


async def test_request_to_worker_through_signed_invocations(
    settings_factory: Callable[..., Settings],
    inngest_server: InngestServer,
    engine: AsyncEngine,
) -> None:
    worker = ProbeWorker()
    app = build_probe_app(inngest_settings(settings_factory, inngest_server), worker)
    async with inngest_server.attach(app) as url:
        body = await post_probe(url)
        [run] = await inngest_server.wait_for_runs(FN)
    assert run.status is RunStatus.COMPLETED
    assert run.event.id == body["event_id"]  # the outbox row id is the event id
    assert run.output == {"gym_id": body["gym_id"]}
    assert run.step_names() == ["record"]
    assert worker.calls == [uuid.UUID(body["gym_id"])]
    assert all(call.signature_ok for call in run.calls)
    registered = inngest_server.function(FN)
    assert registered.retries == 3  # INNGEST_RETRIES


async def test_retried_run_succeeds_without_a_sentry_report(
    settings_factory: Callable[..., Settings],
    inngest_server: InngestServer,
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker(fail_times=2)
    app = build_probe_app(inngest_settings(settings_factory, inngest_server), worker)
    async with inngest_server.attach(app) as url:
        await post_probe(url)
        [run] = await inngest_server.wait_for_runs(FN)
    assert run.status is RunStatus.COMPLETED
    # 2 failed calls, 1 call that runs the step, 1 replay that returns
    assert worker.attempts == 4
    assert [c.attempt for c in run.calls if c.status == 500] == [0, 1]
    assert function_reports(sentry_capture) == []


async def test_final_failure_is_reported_to_sentry_once(
    settings_factory: Callable[..., Settings],
    inngest_server: InngestServer,
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker(fail_times=100)
    settings = inngest_settings(settings_factory, inngest_server, INNGEST_RETRIES=1)
    app = build_probe_app(settings, worker)
    async with inngest_server.attach(app) as url:
        await post_probe(url)
        [run] = await inngest_server.wait_for_runs(FN)
    assert run.status is RunStatus.FAILED
    assert run.attempts == 2
    assert worker.attempts == 2
    [report] = function_reports(sentry_capture)
    tags = report["tags"]
    assert isinstance(tags, dict)
    assert tags["function_id"] == FN
    assert tags["retriable"] == "true"


async def test_bad_payload_fails_once_without_echoing_values(
    settings_factory: Callable[..., Settings],
    inngest_server: InngestServer,
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker()
    app = build_probe_app(inngest_settings(settings_factory, inngest_server), worker)
    async with inngest_server.attach(app):
        inngest_server.send("platform/scoring.probe-recorded", {"gym_id": CANARY})
        [run] = await inngest_server.wait_for_runs(FN)
    assert run.status is RunStatus.FAILED
    assert run.attempts == 1  # non-retriable: no retries
    assert worker.attempts == 0
    assert run.error is not None
    assert "gym_id:uuid_parsing" in run.error.message
    assert CANARY not in run.error.message
    [report] = function_reports(sentry_capture)
    assert CANARY not in str(report)


async def test_wrongly_signed_invocation_is_refused(
    settings_factory: Callable[..., Settings],
    inngest_server: InngestServer,
    engine: AsyncEngine,
) -> None:
    worker = ProbeWorker()
    app = build_probe_app(inngest_settings(settings_factory, inngest_server), worker)
    async with inngest_server.attach(app):
        event = {
            "name": "platform/scoring.probe-recorded",
            "data": {"gym_id": str(uuid.uuid4())},
        }
        body = inngest_server.call_body(FN, event=event)
        forged = await inngest_server.call(FN, body, key=new_signing_key())
        unsigned = await inngest_server.call(FN, body, signed=False)
        genuine = await inngest_server.call(FN, body)
    assert forged.status_code == 401
    assert unsigned.status_code == 401
    assert genuine.status_code == 206  # the step ran and was reported
    assert len(worker.calls) == 1
