"""S8: bad input fails once and leaves one dead letter and one Sentry event;
transient failures recover and leave none. In Inngest mode and inline mode.

Dead-letter rows hold ids and codes only; nothing of the payload.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import DeadLetter
from app.jobs.events.alerts import ThresholdCrossed
from app.main import create_app
from app.runtime import Runtime
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.faults.harness import inngest_stack
from tests.inngest_server import InngestServer, RunStatus
from tests.support.inngest_app import inngest_settings
from tests.support.sentry_capture import CapturingTransport
from tests.support.serving import serve

pytestmark = pytest.mark.db
THRESHOLD = "alerts-record-threshold"
CANARY = "HRV_CANARY_4242"
WAIT_S = 20.0


def threshold_data(member_id: str) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "metric": "readiness",
        "level": "caution",
        "rule": "readiness_low",
    }


async def dead_letters(engine: AsyncEngine) -> list[DeadLetter]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(DeadLetter))).all()
    return [DeadLetter(**row._asdict()) for row in rows]


def reports_for(capture: CapturingTransport, fn_id: str) -> list[dict[str, Any]]:
    return [
        e
        for e in capture.events
        if e.get("fingerprint") == ["inngest", "function", fn_id]
    ]


@pytest.mark.parametrize("bad", ["schema_invalid", "unknown_member"])
async def test_bad_input_fails_once_with_one_dead_letter_and_one_report(
    bad: str,
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    unknown = str(uuid.uuid4())
    member = CANARY if bad == "schema_invalid" else unknown
    async with inngest_stack(settings_factory, engine) as stack:
        sent = stack.server.send(
            "platform/alerts.threshold-crossed", threshold_data(member)
        )
        [run] = await stack.server.wait_for_runs(THRESHOLD, timeout=WAIT_S)
        [handled] = await stack.server.wait_for_runs(
            f"{THRESHOLD}-failure", timeout=WAIT_S
        )
        await stack.server.drain(timeout=WAIT_S)
    assert run.status is RunStatus.FAILED
    assert run.attempts == 1  # permanent: no retries
    assert handled.output == {"dead_letter": "exists"}  # the middleware wrote it
    [letter] = await dead_letters(engine)
    assert letter.function_id == THRESHOLD
    assert letter.event_id == sent.id
    assert letter.run_id == run.id
    assert letter.attempts == 1
    assert letter.mode == "inngest"
    if bad == "schema_invalid":
        assert letter.error_code == "invalid_payload"
        assert letter.member_ids is None  # not a UUID: not copied
    else:
        assert letter.error_code == "member_not_found"
        assert letter.member_ids == unknown
    [report] = reports_for(sentry_capture, THRESHOLD)
    assert letter.sentry_event_id == report["event_id"]
    assert report["tags"]["error_code"] == letter.error_code
    assert CANARY not in str(report)
    assert CANARY not in str(run.error)


async def test_a_failure_only_inngest_saw_is_dead_lettered_by_on_failure(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    """E.g. a run timeout: no exception in our code, only Inngest's failure event."""
    member = str(uuid.uuid4())
    async with inngest_stack(settings_factory, engine) as stack:
        composite = stack.server.function(THRESHOLD).id
        failed_event = {
            "name": "inngest/function.failed",
            "data": {
                "function_id": composite,
                "run_id": "run-timed-out",
                "event": {
                    "id": "evt-1",
                    "name": ThresholdCrossed.name,
                    "data": {**threshold_data(member), "notes": CANARY},
                },
                "error": {"name": "FunctionTimeoutError", "message": "run timed out"},
            },
        }
        failure_fn = f"{THRESHOLD}-failure"
        body = stack.server.call_body(failure_fn, event=failed_event)
        response = await stack.server.call(failure_fn, body)
        again = await stack.server.call(failure_fn, body, ts=int(time.time()) - 2)
    assert response.status_code == 200
    assert response.json() == {"dead_letter": "inserted"}
    assert again.json() == {"dead_letter": "exists"}  # Inngest asking twice
    [letter] = await dead_letters(engine)
    assert (letter.run_id, letter.event_id) == ("run-timed-out", "evt-1")
    assert letter.error_code == "function_timeout_error"
    assert letter.recorded_by == "on_failure"
    assert letter.member_ids == member
    [report] = reports_for(sentry_capture, THRESHOLD)
    assert letter.sentry_event_id == report["event_id"]
    assert CANARY not in str(report)


async def test_transient_failures_recover_without_a_dead_letter(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    async with InngestServer(mode="cloud") as server:
        worker = ProbeWorker(fail_times=2)
        app = build_probe_app(inngest_settings(settings_factory, server), worker)
        async with server.attach(app) as url:
            async with httpx.AsyncClient(timeout=10) as client:
                created = await client.post(
                    url.removesuffix("/api/inngest") + "/probe", json={}
                )
            [run] = await server.wait_for_runs("probe-record", timeout=WAIT_S)
    assert created.status_code == 201
    assert run.status is RunStatus.COMPLETED
    assert [c.status for c in run.calls if c.status == 500] == [500, 500]
    assert await dead_letters(engine) == []
    assert reports_for(sentry_capture, "probe-record") == []


@pytest.fixture
async def inline_runtime(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Runtime]:
    app = create_app(settings_factory(INNGEST_ENABLED=False))
    async with serve(app):
        yield app.state.runtime


async def test_inline_poison_event_fails_once_with_a_dead_letter(
    inline_runtime: Runtime, engine: AsyncEngine, sentry_capture: CapturingTransport
) -> None:
    member = uuid.uuid4()
    event = ThresholdCrossed(
        member_id=member, metric="readiness", level="caution", rule="readiness_low"
    )
    async with inline_runtime.transaction() as session:
        [event_id] = await inline_runtime.dispatcher.dispatch(session, event)
    [letter] = await dead_letters(engine)
    assert (letter.function_id, letter.event_id) == (THRESHOLD, event_id)
    assert (letter.mode, letter.recorded_by) == ("inline", "inline")
    assert letter.attempts == 1  # NonRetriableError: one attempt inline too
    assert letter.error_code == "member_not_found"
    assert letter.member_ids == str(member)
    [report] = reports_for(sentry_capture, THRESHOLD)
    assert letter.sentry_event_id == report["event_id"]


async def test_inline_transient_failure_recovers(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    sentry_capture: CapturingTransport,
) -> None:
    worker = ProbeWorker(fail_times=1)
    app = build_probe_app(settings_factory(INNGEST_ENABLED=False), worker)
    async with (
        serve(app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as client,
    ):
        created = await client.post("/probe", json={})
    assert created.status_code == 201
    assert worker.attempts == 2
    assert len(worker.calls) == 1
    assert await dead_letters(engine) == []
    assert reports_for(sentry_capture, "probe-record") == []
