"""The staff roster: people of a gym with their risk level and readiness."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.gym import Member
from app.db.models.wearable import ReadinessScore
from app.db.repositories import roster as roster_repo
from app.db.repositories.roster import MemberRisk, RosterFilter


@dataclasses.dataclass(frozen=True)
class RosterRow:
    person: Member
    risk: MemberRisk
    readiness: ReadinessScore | None


async def list_roster(
    session: AsyncSession,
    gym_id: uuid.UUID,
    where: RosterFilter,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[RosterRow]:
    page = await roster_repo.list_roster_page(
        session, gym_id, where, after=after, limit=limit
    )
    ids = [p.id for p in page]
    risks = await roster_repo.risk_of(session, ids)
    readiness = await roster_repo.latest_readiness(session, ids)
    return [RosterRow(p, risks[p.id], readiness.get(p.id)) for p in page]
