"""Inngest mode: the relay's sends, `/api/inngest` calls by function and
outcome, refusals by reason and the outbox gauges, read from `/metrics`."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from tests.fakes.event_api import FakeEventApi, Mode
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.inngest_server import InngestServer, RunStatus
from tests.support import waiting
from tests.support.inngest_app import inngest_settings
from tests.support.metrics_scrape import Scrape, scrape
from tests.support.serving import LoopbackServer, serve
from tests.support.settings import relay_settings

pytestmark = pytest.mark.db
FN = "probe-record"
WAIT_S = 20.0


def deltas(before: Scrape, after: Scrape) -> Callable[..., float]:
    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    return delta


async def test_relay_sends_and_inngest_calls_by_function_and_outcome(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    started = time.time()
    worker = ProbeWorker(fail_times=3)
    async with InngestServer(mode="cloud") as server:
        settings = inngest_settings(settings_factory, server, INNGEST_RETRIES=1)
        app = build_probe_app(settings, worker)
        async with server.attach(app) as url:
            base = url.removesuffix("/api/inngest")
            before = await scrape(base)
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                first = await client.post("/probe", json={})
                [run1] = await server.wait_for_runs(FN, timeout=WAIT_S)
                second = await client.post("/probe", json={})
                runs = await server.wait_for_runs(FN, count=2, timeout=WAIT_S)
            unsigned = await server.call(FN, server.call_body(FN), signed=False)
            stale = await server.call(
                FN, server.call_body(FN), ts=int(time.time()) - 3600
            )
            after = await scrape(base)
    assert (first.status_code, second.status_code) == (201, 201)
    assert [r.status for r in runs] == [RunStatus.FAILED, RunStatus.COMPLETED]
    assert run1.status == RunStatus.FAILED
    assert (unsigned.status_code, stale.status_code) == (401, 401)
    delta = deltas(before, after)
    calls = "gymjobs_inngest_calls_total"
    assert delta(calls, function=FN, outcome="retry") == 2
    assert delta(calls, function=FN, outcome="failed") == 1
    assert delta(calls, function=FN, outcome="ok") == 2  # the step, then the end
    assert delta(calls, function="none", outcome="refused") == 2
    refusals = "gymjobs_inngest_refusals_total"
    assert delta(refusals, reason="signature_missing") == 1
    assert delta(refusals, reason="signature_expired") == 1
    assert delta("gymjobs_dead_letters_total", function=FN, mode="inngest") == 1
    assert delta("gymjobs_outbox_events_total", outcome="sent") == 2
    assert delta("gymjobs_outbox_send_duration_seconds_count", result="ok") >= 1
    assert after.value("gymjobs_relay_last_sent_timestamp_seconds") >= int(started)
    assert after.value("gymjobs_relay_last_cycle_timestamp_seconds") >= int(started)
    # Inngest's calls are not API requests: they have metrics of their own.
    assert "/api/inngest" not in after.label_values("route")


async def test_rejected_events_count_as_failed_then_dead_and_stay_pending(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    fake, api_server = event_api
    fake.mode = Mode.REJECT
    settings = relay_settings(
        settings_factory,
        api_server.url,
        INNGEST_SIGNING_KEY="signkey-test-" + "cd" * 32,
        OUTBOX_MAX_REJECTIONS=2,
        OUTBOX_BACKOFF_BASE_S=1.0,  # pending for a second between the tries
        OUTBOX_BACKOFF_MAX_S=1.0,
        METRICS_OUTBOX_REFRESH_S=0.05,
    )
    app = build_probe_app(settings, ProbeWorker())
    async with serve(app) as server:
        before = await scrape(server.url)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            posted = await client.post("/probe", json={})

            async def pending_seen() -> bool:
                now = await scrape(server.url)
                return now.value("gymjobs_outbox_pending") >= 1

            await waiting.eventually(pending_seen, "the pending gauge", timeout=WAIT_S)
            during = await scrape(server.url)

            async def dead() -> bool:
                now = await scrape(server.url)
                return now.value("gymjobs_outbox_events_total", outcome="dead") > (
                    before.value("gymjobs_outbox_events_total", outcome="dead")
                )

            await waiting.eventually(dead, "the dead event", timeout=WAIT_S)

            async def drained() -> bool:
                now = await scrape(server.url)
                return now.value("gymjobs_outbox_pending") == 0

            await waiting.eventually(drained, "no pending event", timeout=WAIT_S)
        after = await scrape(server.url)
    assert posted.status_code == 201
    assert during.value("gymjobs_outbox_oldest_pending_age_seconds") > 0
    delta = deltas(before, after)
    assert delta("gymjobs_outbox_events_total", outcome="dead") == 1
    assert delta("gymjobs_outbox_events_total", outcome="failed") == 1  # then dead
    assert delta("gymjobs_outbox_events_total", outcome="sent") == 0
    assert delta("gymjobs_outbox_send_duration_seconds_count", result="error") >= 2
