"""SQL about membership pauses (freeze, holiday, injury note)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.gym import MembershipPause


async def list_pauses(
    session: AsyncSession, member_id: uuid.UUID
) -> list[MembershipPause]:
    rows = await session.scalars(
        select(MembershipPause)
        .where(MembershipPause.member_id == member_id)
        .order_by(MembershipPause.starts_on, MembershipPause.id)
    )
    return list(rows.all())


async def delete_pause(
    session: AsyncSession, member_id: uuid.UUID, pause_id: uuid.UUID
) -> bool:
    result = await session.execute(
        delete(MembershipPause).where(
            MembershipPause.id == pause_id, MembershipPause.member_id == member_id
        )
    )
    return bool(getattr(result, "rowcount", 0))
