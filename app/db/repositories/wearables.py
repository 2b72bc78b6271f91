"""SQL about wearable connections and webhook deliveries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.wearable import ConnectionStatus, WearableConnection, WebhookDelivery
from app.db.repositories.batch_delete import delete_batch
from app.db.repositories.dialect_insert import insert_for


async def get_connection(
    session: AsyncSession, connection_id: uuid.UUID
) -> WearableConnection | None:
    return await session.get(WearableConnection, connection_id)


async def find_connection(
    session: AsyncSession, provider: str, external_user_id: str
) -> WearableConnection | None:
    """The one connection holding this provider id; None when there is none
    or several members claim it (the id came from a client: routing it to
    either could hand one member's notifications to another)."""
    rows = (
        await session.scalars(
            select(WearableConnection)
            .where(
                WearableConnection.provider == provider,
                WearableConnection.external_user_id == external_user_id,
            )
            .limit(2)
        )
    ).all()
    return rows[0] if len(rows) == 1 else None


async def get_member_connection(
    session: AsyncSession, member_id: uuid.UUID, provider: str
) -> WearableConnection | None:
    return await session.scalar(
        select(WearableConnection).where(
            WearableConnection.member_id == member_id,
            WearableConnection.provider == provider,
        )
    )


async def list_member_connections(
    session: AsyncSession, member_id: uuid.UUID
) -> list[WearableConnection]:
    rows = await session.scalars(
        select(WearableConnection)
        .where(WearableConnection.member_id == member_id)
        .order_by(WearableConnection.provider)
    )
    return list(rows.all())


async def delete_connection(session: AsyncSession, connection_id: uuid.UUID) -> int:
    result = await session.execute(
        delete(WearableConnection).where(WearableConnection.id == connection_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_broken(
    session: AsyncSession, connection_id: uuid.UUID, reason: str
) -> None:
    await session.execute(
        update(WearableConnection)
        .where(WearableConnection.id == connection_id)
        .values(status=ConnectionStatus.BROKEN.value, broken_reason=reason)
        .execution_options(synchronize_session=False)
    )


async def touch_synced(
    session: AsyncSession, connection_id: uuid.UUID, at: dt.datetime
) -> None:
    await session.execute(
        update(WearableConnection)
        .where(WearableConnection.id == connection_id)
        .values(last_synced_at=at)
        .execution_options(synchronize_session=False)
    )


async def list_silent_connections(
    session: AsyncSession, *, silent_since: dt.datetime, limit: int
) -> list[WearableConnection]:
    """Active connections not synced since `silent_since`, oldest first."""
    rows = await session.scalars(
        select(WearableConnection)
        .where(
            WearableConnection.status == ConnectionStatus.ACTIVE.value,
            or_(
                WearableConnection.last_synced_at.is_(None),
                WearableConnection.last_synced_at < silent_since,
            ),
        )
        .order_by(WearableConnection.last_synced_at, WearableConnection.id)
        .limit(limit)
    )
    return list(rows.all())


async def add_deliveries(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> set[uuid.UUID]:
    """Insert deliveries; those whose (provider, dedupe_key) exists are skipped.

    Returns the ids of the rows actually inserted (new deliveries only).
    """
    if not rows:
        return set()
    stmt = insert_for(session, WebhookDelivery).values(list(rows))
    stmt = stmt.on_conflict_do_nothing(index_elements=["provider", "dedupe_key"])
    await session.execute(stmt)
    wanted = {row["id"] for row in rows}
    found = await session.scalars(
        select(WebhookDelivery.id).where(WebhookDelivery.id.in_(list(wanted)))
    )
    return set(found.all())


async def get_delivery(
    session: AsyncSession, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    return await session.get(WebhookDelivery, delivery_id)


async def mark_delivery_processed(
    session: AsyncSession, delivery_id: uuid.UUID, at: dt.datetime
) -> None:
    """Processed; the callback URL (may hold credentials) is dropped."""
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(processed_at=at, fetch_url=None)
        .execution_options(synchronize_session=False)
    )


async def delete_processed_deliveries_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    """Processed deliveries received before `before` (at most `limit`); one
    not processed yet is kept whatever its age."""
    return await delete_batch(
        session,
        WebhookDelivery,
        (WebhookDelivery.received_at < before)
        & WebhookDelivery.processed_at.is_not(None),
        limit,
    )
