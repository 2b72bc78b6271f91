"""SQL about gyms and their members (including staff)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.gym import Gym, Member, MembershipPause

MEMBER_ROLE = "member"
CANCELLED = "cancelled"


class ChurnInputs(NamedTuple):
    """A member's own churn inputs, as plain column values."""

    id: uuid.UUID
    timezone: str
    joined_at: dt.datetime | None
    created_at: dt.datetime
    contract_kind: str
    churn_suppression: str | None
    renewal_on: dt.date | None


async def get_member(session: AsyncSession, member_id: uuid.UUID) -> Member | None:
    return await session.get(Member, member_id)


async def get_gym(session: AsyncSession, gym_id: uuid.UUID) -> Gym | None:
    return await session.get(Gym, gym_id)


async def list_staff_ids(
    session: AsyncSession, gym_id: uuid.UUID, roles: Sequence[str]
) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(Member.id)
        .where(Member.gym_id == gym_id, Member.role.in_(list(roles)))
        .order_by(Member.id)
    )
    return list(rows.all())


async def list_member_page(
    session: AsyncSession,
    gym_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    limit: int,
    member_id: uuid.UUID | None = None,
) -> list[ChurnInputs]:
    """One keyset page of a gym's members (role member, not cancelled), by id;
    with `member_id`, that member alone."""
    stmt = select(
        Member.id,
        Member.timezone,
        Member.joined_at,
        Member.created_at,
        Member.contract_kind,
        Member.churn_suppression,
        Member.renewal_on,
    ).where(
        Member.gym_id == gym_id,
        Member.role == MEMBER_ROLE,
        Member.status != CANCELLED,
    )
    if member_id is not None:
        stmt = stmt.where(Member.id == member_id)
    if after is not None:
        stmt = stmt.where(Member.id > after)
    rows = await session.execute(stmt.order_by(Member.id).limit(limit))
    return [ChurnInputs(*row) for row in rows]


async def list_gym_id_page(
    session: AsyncSession, *, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    stmt = select(Gym.id)
    if after is not None:
        stmt = stmt.where(Gym.id > after)
    rows = await session.scalars(stmt.order_by(Gym.id).limit(limit))
    return list(rows.all())


async def pauses_on(
    session: AsyncSession, member_ids: Sequence[uuid.UUID], day: dt.date
) -> dict[uuid.UUID, set[str]]:
    """The kinds of membership pause covering `day`, per member."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(MembershipPause.member_id, MembershipPause.kind).where(
            MembershipPause.member_id.in_(list(member_ids)),
            MembershipPause.starts_on <= day,
            or_(MembershipPause.ends_on.is_(None), MembershipPause.ends_on >= day),
        )
    )
    found: dict[uuid.UUID, set[str]] = {}
    for member_id, kind in rows.all():
        found.setdefault(member_id, set()).add(kind)
    return found
