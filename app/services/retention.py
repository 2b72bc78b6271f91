"""Retention: job bookkeeping is deleted once past its window.

| store | kept for | counted from |
| --- | --- | --- |
| outbox, sent rows | `RETENTION_SENT_EVENTS_DAYS` (7) | sent |
| outbox, dead rows | `RETENTION_DEAD_LETTERS_DAYS` (30) | their last attempt |
| dead letters | `RETENTION_DEAD_LETTERS_DAYS` (30) | recorded |
| applied social interactions | `RETENTION_IDEMPOTENCY_HOURS` (48) | applied |
| processed webhook deliveries | `RETENTION_IDEMPOTENCY_HOURS` (48) | received |

Pending outbox rows (events not sent yet) and webhook deliveries not processed
yet are kept whatever their age. The windows: docs/security.md, "Privacy and
retention"; an idempotency record outlives Inngest's 24 h de-duplication window, so a
redelivery inside it still finds its record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.db.repositories import dead_letter as dead_letter_repo
from app.db.repositories import outbox as outbox_repo
from app.db.repositories import social_notifications as social_repo
from app.db.repositories import wearables as wearables_repo

Purge = Callable[[AsyncSession, dt.datetime, int], Awaitable[int]]


@dataclasses.dataclass(frozen=True)
class Store:
    name: str
    keep: dt.timedelta
    purge: Purge  # deletes at most `limit` rows older than the cutoff

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        return now - self.keep


def stores(settings: Settings) -> tuple[Store, ...]:
    sent = dt.timedelta(days=settings.RETENTION_SENT_EVENTS_DAYS)
    dead = dt.timedelta(days=settings.RETENTION_DEAD_LETTERS_DAYS)
    idempotency = dt.timedelta(hours=settings.RETENTION_IDEMPOTENCY_HOURS)
    return (
        Store("sent-events", sent, outbox_repo.delete_sent_before),
        Store("dead-events", dead, outbox_repo.delete_dead_before),
        Store("dead-letters", dead, dead_letter_repo.delete_created_before),
        Store(
            "applied-interactions",
            idempotency,
            social_repo.delete_applied_interactions_before,
        ),
        Store(
            "webhook-deliveries",
            idempotency,
            wearables_repo.delete_processed_deliveries_before,
        ),
    )


async def purge_batch(
    session: AsyncSession, store: Store, now: dt.datetime, limit: int
) -> int:
    """One bounded batch of `store`'s expired rows; how many were deleted."""
    return await store.purge(session, store.cutoff(now), limit)
