"""Social workers: feed fan-out, batched notifications, window flushing.

Fan-out writes one bounded chunk of followers per step (keyset by follower
id), so a retry repeats at most one chunk and every insert is idempotent per
(timeline owner, post). One notifier function per interaction event, each
serialised per recipient; the batch row's version check covers the rest.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.events.social import INTERACTION_EVENTS, InteractionEvent, PostCreated
from app.jobs.flow_control import one_at_a_time_per
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import social_feed, social_notifications

MAX_CHUNKS = 100  # push mode stops at the pull threshold, far below this
NOTIFY_RETRIES = 5
ONE_PER_RECIPIENT = one_at_a_time_per("recipient_id")


@REGISTRY.worker(fn_id="social-fan-out-post", event=PostCreated, retries=4)
async def fan_out_post(event: PostCreated, job: JobContext) -> dict[str, Any]:
    settings = job.runtime.settings

    async def plan(session: AsyncSession) -> dict[str, Any]:
        return await social_feed.plan_fanout(session, event.post_id, settings)

    planned = await job.step("plan-fan-out", lambda: in_transaction(job, plan))
    written = chunks = 0
    after: uuid.UUID | None = None
    while social_feed.is_push(planned) and chunks < MAX_CHUNKS:
        step = functools.partial(
            _fan_out_chunk, job, event.post_id, after, settings.SOCIAL_FANOUT_CHUNK_SIZE
        )
        result = await job.step(f"fan-out-chunk-{chunks}", step)
        written, chunks = written + int(result["written"]), chunks + 1
        if result["last"] is None or result["size"] < settings.SOCIAL_FANOUT_CHUNK_SIZE:
            break
        after = uuid.UUID(result["last"])
    return {"mode": planned["mode"], "chunks": chunks, "written": written}


async def _fan_out_chunk(
    job: JobContext, post_id: uuid.UUID, after: uuid.UUID | None, size: int
) -> dict[str, Any]:
    async def write(session: AsyncSession) -> dict[str, Any]:
        return await social_feed.fan_out_chunk(
            session, post_id, after=after, chunk_size=size
        )

    return await in_transaction(job, write)


async def notify_interaction(
    event: InteractionEvent, job: JobContext
) -> dict[str, str]:
    async def record(session: AsyncSession) -> str:
        return await social_notifications.record_interaction(
            session,
            interaction_id=event.interaction_id,
            verb=event.verb,
            kind=event.action,
            actor_id=event.actor_id,
            recipient_id=event.recipient_id,
            object_id=event.object_id,
        )

    return {
        "decision": await job.step("update-batch", lambda: in_transaction(job, record))
    }


for _event in INTERACTION_EVENTS:
    REGISTRY.worker(
        fn_id=f"social-notify-{_event.name.rsplit('.', 1)[1]}",
        event=_event,
        retries=NOTIFY_RETRIES,
        concurrency=ONE_PER_RECIPIENT,
    )(notify_interaction)


@REGISTRY.worker(fn_id="social-flush-notification-batches", cron="* * * * *", retries=2)
async def flush_notification_batches(_: None, job: JobContext) -> dict[str, int]:
    async def flush(session: AsyncSession) -> int:
        return await social_notifications.flush_due(session)

    return {"sent": await job.step("flush-due", lambda: in_transaction(job, flush))}
