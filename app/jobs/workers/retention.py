"""The daily retention purge (app/services/retention.py): each store's
expired rows in batches of `RETENTION_BATCH_SIZE`, one step per batch.

The time is a memoised step, so every batch and retry of a run purges
against the same cutoffs. A run does at most `MAX_BATCHES_PER_STORE` batches
per store (at most 181 steps a run); what is left waits for the next day's
run and is named in the output.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import clock, retention

log = get_logger("app.jobs.retention")
MAX_BATCHES_PER_STORE = 36


def _batch(
    job: JobContext, store: retention.Store, now: dt.datetime, limit: int
) -> Any:
    async def purge(session: AsyncSession) -> int:
        return await retention.purge_batch(session, store, now, limit)

    return lambda: in_transaction(job, purge)


@REGISTRY.worker(fn_id="privacy-purge-expired-records", cron="41 4 * * *", retries=2)
async def purge_expired_records(_: None, job: JobContext) -> dict[str, Any]:
    now = dt.datetime.fromisoformat(await job.step("now", clock.now_iso))
    limit = job.runtime.settings.RETENTION_BATCH_SIZE
    deleted: dict[str, int] = {}
    unfinished: list[str] = []
    for store in retention.stores(job.runtime.settings):
        deleted[store.name] = 0
        for index in range(MAX_BATCHES_PER_STORE):
            count = await job.step(
                f"purge-{store.name}-{index}", _batch(job, store, now, limit)
            )
            deleted[store.name] += count
            if count < limit:
                break
        else:
            unfinished.append(store.name)
    log.info("retention.purged", deleted=deleted, unfinished=unfinished)
    return {"deleted": deleted, "unfinished": unfinished}
