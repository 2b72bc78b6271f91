"""SQL of `Idempotency-Key` records (app/services/idempotency.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.idempotency_key import IdempotencyKey
from app.db.repositories.batch_delete import delete_batch
from app.db.repositories.dialect_insert import insert_for


async def get(
    session: AsyncSession, principal_id: str, key: str
) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.principal_id == principal_id, IdempotencyKey.key == key
        )
    )


async def claim(
    session: AsyncSession,
    principal_id: str,
    key: str,
    fingerprint: str,
    now: dt.datetime,
) -> bool:
    """Insert the record unless it exists; whether this call inserted it."""
    result = await session.execute(
        insert_for(session, IdempotencyKey)
        .values(
            principal_id=principal_id, key=key, fingerprint=fingerprint, created_at=now
        )
        .on_conflict_do_nothing()
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def remove(session: AsyncSession, principal_id: str, key: str) -> None:
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.principal_id == principal_id, IdempotencyKey.key == key
        )
    )


async def save_answer(
    session: AsyncSession,
    principal_id: str,
    key: str,
    *,
    status_code: int,
    content_type: str | None,
    body: bytes,
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.principal_id == principal_id, IdempotencyKey.key == key)
        .values(status_code=status_code, content_type=content_type, body=body)
    )


async def delete_created_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> int:
    return await delete_batch(
        session, IdempotencyKey, IdempotencyKey.created_at < before, limit
    )
