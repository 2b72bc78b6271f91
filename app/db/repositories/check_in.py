"""SQL about gym visits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.check_in import CheckIn

VisitRow = tuple[uuid.UUID, dt.datetime, bool]


async def add_check_in(session: AsyncSession, check_in: CheckIn) -> None:
    session.add(check_in)
    await session.flush()


async def list_visits(
    session: AsyncSession,
    member_ids: Collection[uuid.UUID],
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> list[VisitRow]:
    """(member id, time, is_class) of these members' visits in [since, until)."""
    if not member_ids:
        return []
    rows = await session.execute(
        select(CheckIn.member_id, CheckIn.checked_in_at, CheckIn.is_class).where(
            CheckIn.member_id.in_(list(member_ids)),
            CheckIn.checked_in_at >= since,
            CheckIn.checked_in_at < until,
        )
    )
    return [(m, at, bool(c)) for m, at, c in rows.all()]
