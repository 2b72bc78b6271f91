"""Wearable sync workers: fetch and store readings, readiness, backfill.

Provider errors become job semantics here: 429/503 with Retry-After →
`RetryAfterError` (wait as told); revoked grant, unusable response or
unsupported type → `NonRetriableError` (the connection is marked broken
first); 5xx and timeouts → a plain error, retried with backoff. Step outputs
are ids, days and counts only, never health values.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import inngest
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.wearables import build_clients
from app.integrations.wearables.base import (
    ProviderAuthRevokedError,
    ProviderResponseError,
    ProviderThrottledError,
    UnsupportedDataTypeError,
)
from app.integrations.wearables.http import ProviderHttp, build_http_client
from app.jobs.events.sync import ReadingsSynced, WearableDataReceived
from app.jobs.flow_control import one_at_a_time_per
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import readiness, wearable_sync
from app.services.wearable_store import StoreOutcome

ONE_PER_MEMBER = one_at_a_time_per("member_id")
# Provider-wide request budget (per provider, across members); tune per plan.
PROVIDER_THROTTLE = inngest.Throttle(
    limit=10, period=dt.timedelta(seconds=1), key="event.data.provider"
)
SYNC_RETRIES = 6  # a provider outage of a few minutes is absorbed
# A run stuck behind throttling/concurrency or a hung provider ends, not lingers.
SYNC_TIMEOUTS = inngest.Timeouts(
    start=dt.timedelta(hours=6), finish=dt.timedelta(minutes=15)
)
PERMANENT = (ProviderAuthRevokedError, ProviderResponseError, UnsupportedDataTypeError)


@REGISTRY.worker(
    fn_id="sync-wearable-data",
    event=WearableDataReceived,
    retries=SYNC_RETRIES,
    third_party=True,
    concurrency=ONE_PER_MEMBER,
    throttle=PROVIDER_THROTTLE,
    timeouts=SYNC_TIMEOUTS,
)
async def sync_wearable_data(
    event: WearableDataReceived, job: JobContext
) -> dict[str, Any]:
    async def plan(session: AsyncSession) -> list[dict[str, str]]:
        return await wearable_sync.plan_sync(session, event, job.runtime.settings)

    units = await job.step("plan-sync", lambda: in_transaction(job, plan))
    outcomes = []
    for unit in units:
        step = functools.partial(_run_unit, job, event, unit)
        outcomes.append(
            StoreOutcome.from_json(await job.step(f"fetch-{unit['unit']}", step))
        )
    if not units:
        return {"units": 0, "stored": 0}

    async def finish(session: AsyncSession) -> int:
        return await wearable_sync.finish_sync(
            session, job.runtime.dispatcher, event, outcomes
        )

    stored = await job.step("finish-sync", lambda: in_transaction(job, finish))
    return {"units": len(units), "stored": stored}


async def _run_unit(
    job: JobContext, event: WearableDataReceived, unit: dict[str, str]
) -> dict[str, Any]:
    settings = job.runtime.settings
    async with build_http_client(settings) as client:
        http = ProviderHttp(client, settings.WEARABLE_MAX_RESPONSE_BYTES)
        try:
            outcome = await wearable_sync.run_unit(
                job.runtime.transaction,
                job.runtime.dispatcher,
                build_clients(settings, http),
                event,
                unit,
            )
        except ProviderThrottledError as exc:
            raise inngest.RetryAfterError(exc.code, exc.retry_after) from None
        except PERMANENT as exc:
            raise inngest.NonRetriableError(exc.code) from None
    return outcome.as_json()


@REGISTRY.worker(
    fn_id="sync-compute-readiness", event=ReadingsSynced, concurrency=ONE_PER_MEMBER
)
async def compute_readiness(event: ReadingsSynced, job: JobContext) -> dict[str, int]:
    async def compute(session: AsyncSession) -> dict[str, int]:
        return await readiness.recompute_readiness(
            session,
            job.runtime.dispatcher,
            event.member_id,
            event.first_day,
            event.last_day,
        )

    return await job.step("recompute-readiness", lambda: in_transaction(job, compute))


@REGISTRY.worker(fn_id="sync-backfill-silent-connections", cron="17 * * * *", retries=2)
async def backfill_silent_connections(_: None, job: JobContext) -> dict[str, int]:
    async def queue(session: AsyncSession) -> int:
        return await wearable_sync.queue_backfills(
            session, job.runtime.dispatcher, job.runtime.settings
        )

    return {
        "queued": await job.step("queue-backfills", lambda: in_transaction(job, queue))
    }
