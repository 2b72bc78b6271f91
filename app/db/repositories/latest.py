"""The newest row of each key: one grouped max, joined back to the rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.db.base import Base

T = TypeVar("T", bound=Base)


async def newest_per_key(
    session: AsyncSession,
    model: type[T],
    key: InstrumentedAttribute[Any],
    order: InstrumentedAttribute[Any],
    keys: Sequence[Any],
) -> list[T]:
    """For each of `keys`, the row of `model` with the greatest `order`."""
    if not keys:
        return []
    newest = (
        select(key.label("key"), func.max(order).label("newest"))
        .where(key.in_(list(keys)))
        .group_by(key)
        .subquery()
    )
    rows = await session.scalars(
        select(model).join(newest, and_(key == newest.c.key, order == newest.c.newest))
    )
    return list(rows.all())
