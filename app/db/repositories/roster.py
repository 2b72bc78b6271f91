"""SQL for the staff roster: a gym's people with their current risk level.

Risk comes from the open (or acknowledged, not yet resolved) alerts: `high`
when any is high, `elevated` when any is caution or medium, `info` for info
only, else `none`. Readiness is the member's latest stored day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import Alert, AlertStatus
from app.db.models.gym import Member
from app.db.models.wearable import ReadinessScore
from app.db.repositories.latest import newest_per_key

OPEN_STATUSES = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)
RISK_LEVELS = {
    "high": ("high",),
    "elevated": ("high", "caution", "medium"),
}


@dataclasses.dataclass(frozen=True)
class RosterFilter:
    role: str | None = None
    status: str | None = None
    coach_id: uuid.UUID | None = None
    risk: str | None = None  # high | elevated: at least that level


@dataclasses.dataclass(frozen=True)
class MemberRisk:
    level: str
    open_alerts: int


async def list_roster_page(
    session: AsyncSession,
    gym_id: uuid.UUID,
    where: RosterFilter,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[Member]:
    """One keyset page of the gym's people, in the order they were added."""
    stmt: Select[Member] = select(Member).where(Member.gym_id == gym_id)
    if where.role is not None:
        stmt = stmt.where(Member.role == where.role)
    if where.status is not None:
        stmt = stmt.where(Member.status == where.status)
    if where.coach_id is not None:
        stmt = stmt.where(Member.coach_id == where.coach_id)
    if where.risk is not None:
        stmt = stmt.where(
            exists().where(
                Alert.member_id == Member.id,
                Alert.status.in_(OPEN_STATUSES),
                Alert.level.in_(RISK_LEVELS[where.risk]),
            )
        )
    if after is not None:
        created, last_id = after
        stmt = stmt.where(
            (Member.created_at > created)
            | and_(Member.created_at == created, Member.id > last_id)
        )
    rows = await session.scalars(
        stmt.order_by(Member.created_at, Member.id).limit(limit)
    )
    return list(rows.all())


async def risk_of(
    session: AsyncSession, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, MemberRisk]:
    if not member_ids:
        return {}
    rows = await session.execute(
        select(Alert.member_id, Alert.level, func.count())
        .where(Alert.member_id.in_(list(member_ids)), Alert.status.in_(OPEN_STATUSES))
        .group_by(Alert.member_id, Alert.level)
    )
    levels: dict[uuid.UUID, dict[str, int]] = {}
    for member_id, level, count in rows.all():
        levels.setdefault(member_id, {})[level] = int(count)
    return {m: _risk(levels.get(m, {})) for m in member_ids}


def _risk(counts: dict[str, int]) -> MemberRisk:
    total = sum(counts.values())
    if "high" in counts:
        return MemberRisk("high", total)
    if counts.keys() & {"caution", "medium"}:
        return MemberRisk("elevated", total)
    if counts:
        return MemberRisk("info", total)
    return MemberRisk("none", 0)


async def latest_readiness(
    session: AsyncSession, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReadinessScore]:
    rows = await newest_per_key(
        session,
        ReadinessScore,
        ReadinessScore.member_id,
        ReadinessScore.day,
        member_ids,
    )
    return {row.member_id: row for row in rows}
