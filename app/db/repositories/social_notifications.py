"""SQL about notification batches, social notifications and reaction limits."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.social_notification import (
    AppliedInteraction,
    NotificationBatch,
    ReactionRateLimit,
    SocialNotification,
)
from app.db.repositories.batch_delete import delete_batch
from app.db.repositories.dialect_insert import insert_for
from app.db.repositories.keyset import newest_first


async def claim_interaction(
    session: AsyncSession,
    interaction_id: uuid.UUID,
    action: str,
    recipient_id: uuid.UUID,
    now: dt.datetime,
) -> bool:
    """Record that an interaction event is applied; False if it was already."""
    stmt = (
        insert_for(session, AppliedInteraction)
        .values(
            interaction_id=interaction_id,
            action=action,
            recipient_id=recipient_id,
            applied_at=now,
        )
        .on_conflict_do_nothing()
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def get_or_create_batch(
    session: AsyncSession, recipient_id: uuid.UUID, verb: str, object_id: str
) -> NotificationBatch:
    """The batch row of a key, created empty the first time (race-safe)."""
    stmt = (
        insert_for(session, NotificationBatch)
        .values(
            id=uuid.uuid4(),
            recipient_id=recipient_id,
            verb=verb,
            object_id=object_id,
            pending_actor_ids=[],
            notified_actor_ids=[],
            version=0,
        )
        .on_conflict_do_nothing()
    )
    await session.execute(stmt)
    batch = await session.scalar(
        select(NotificationBatch)
        .where(
            NotificationBatch.recipient_id == recipient_id,
            NotificationBatch.verb == verb,
            NotificationBatch.object_id == object_id,
        )
        .execution_options(populate_existing=True)
    )
    assert batch is not None  # noqa: S101 - inserted or found just above
    return batch


async def save_batch(
    session: AsyncSession, batch: NotificationBatch, values: dict[str, Any]
) -> bool:
    """Write the batch if nobody changed it since it was read (version check)."""
    result = await session.execute(
        update(NotificationBatch)
        .where(
            NotificationBatch.id == batch.id,
            NotificationBatch.version == batch.version,
        )
        .values(**values, version=batch.version + 1)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def list_due_batches(
    session: AsyncSession,
    now: dt.datetime,
    *,
    limit: int,
    recipient_id: uuid.UUID | None = None,
) -> list[NotificationBatch]:
    stmt = select(NotificationBatch).where(
        NotificationBatch.window_closes_at.is_not(None),
        NotificationBatch.window_closes_at <= now,
    )
    if recipient_id is not None:
        stmt = stmt.where(NotificationBatch.recipient_id == recipient_id)
    rows = await session.scalars(
        stmt.order_by(NotificationBatch.window_closes_at).limit(limit)
    )
    return list(rows.all())


async def add_notification_once(session: AsyncSession, values: dict[str, Any]) -> bool:
    stmt = (
        insert_for(session, SocialNotification)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing()
    )
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def list_notifications(
    session: AsyncSession,
    recipient_id: uuid.UUID,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[SocialNotification]:
    stmt = select(SocialNotification).where(
        SocialNotification.recipient_id == recipient_id
    )
    page = newest_first(
        stmt,
        SocialNotification.created_at,
        SocialNotification.id,
        after=after,
        limit=limit,
    )
    return list((await session.scalars(page)).all())


async def get_rate_state(
    session: AsyncSession, actor_id: uuid.UUID
) -> ReactionRateLimit | None:
    return await session.scalar(
        select(ReactionRateLimit)
        .where(ReactionRateLimit.actor_id == actor_id)
        .with_for_update()
    )


async def save_rate_state(session: AsyncSession, values: dict[str, Any]) -> None:
    stmt = insert_for(session, ReactionRateLimit).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["actor_id"],
        set_={k: getattr(stmt.excluded, k) for k in values if k != "actor_id"},
    )
    await session.execute(stmt)


async def delete_applied_interactions_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    """Idempotency records applied before `before` (at most `limit`)."""
    return await delete_batch(
        session, AppliedInteraction, AppliedInteraction.applied_at < before, limit
    )
