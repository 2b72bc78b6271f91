"""Metrics after real requests, inline runs, a dead letter and a cron run,
read back from `/metrics` over HTTP by name, label and value."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cli import cron
from app.core.config import Settings
from app.runtime import build_runtime
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.support.metrics_scrape import scrape
from tests.support.serving import serve

pytestmark = pytest.mark.db
PROBE = "probe-record"


async def test_requests_runs_and_a_dead_letter_show_in_metrics(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory(INNGEST_RETRIES=1)
    worker = ProbeWorker(fail_times=2)  # both attempts of the first run fail
    app = build_probe_app(settings, worker)
    async with serve(app) as server:
        before = await scrape(server.url)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            failed = await client.post("/probe", json={})
            done = await client.post("/probe", json={})
            invalid = await client.post("/probe", json={"fail_after_dispatch": "x"})
            refused = await client.delete(f"/api/v1/members/{uuid.uuid4()}")
            missing = await client.get("/no/such/path")
        after = await scrape(server.url)
    assert [r.status_code for r in (failed, done, invalid, refused, missing)] == [
        201,
        201,
        422,
        401,
        404,
    ]
    assert worker.attempts == 3

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    requests = "gymjobs_http_requests_total"
    assert delta(requests, route="/probe", method="POST", status="201") == 2
    assert delta(requests, route="/probe", method="POST", status="422") == 1
    member = "/api/v1/members/{member_id}"
    assert delta(requests, route=member, method="DELETE", status="401") == 1
    assert delta(requests, route="unmatched", method="GET", status="404") == 1
    latency = "gymjobs_http_request_duration_seconds_count"
    assert delta(latency, route="/probe", method="POST") == 3
    assert delta("gymjobs_inline_runs_total", function=PROBE, outcome="failed") == 1
    assert delta("gymjobs_inline_runs_total", function=PROBE, outcome="completed") == 1
    assert delta("gymjobs_inline_run_duration_seconds_count", function=PROBE) == 2
    assert delta("gymjobs_dead_letters_total", function=PROBE, mode="inline") == 1
    # Raw paths never become labels: only templates and "unmatched".
    assert "/no/such/path" not in after.text
    assert after.value("gymjobs_db_pool_connections_in_use", engine="app") >= 0
    assert "gymjobs_db_pool_connections_in_use" in after.names()


async def test_a_completed_cron_run_sets_its_last_success_time(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory()
    runtime = build_runtime(settings)
    fn = "privacy-purge-expired-records"
    started = time.time()
    try:
        result = await cron.run_cron_once(runtime, fn)
    finally:
        await runtime.dispose()
    assert result["outcome"] == "completed"
    app = build_probe_app(settings, ProbeWorker())
    async with serve(app) as server:
        metrics = await scrape(server.url)
    assert metrics.value(
        "gymjobs_cron_last_success_timestamp_seconds", function=fn
    ) >= (int(started))
    assert metrics.value("gymjobs_cron_interval_seconds", function=fn) == 86400
    every_minute = "social-flush-notification-batches"
    assert metrics.value("gymjobs_cron_interval_seconds", function=every_minute) == 60
    assert (
        metrics.value("gymjobs_inline_runs_total", function=fn, outcome="completed")
        >= 1
    )
