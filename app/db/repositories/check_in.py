"""SQL about gym visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Select, case, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.check_in import CheckIn


class VisitTotals(NamedTuple):
    """One member's visits in a `VisitWindows`: the latest and three counts."""

    last_at: dt.datetime
    recent: int
    previous: int
    classes: int


@dataclasses.dataclass(frozen=True)
class VisitWindows:
    """Members whose visits in [since, until) are counted with the same bounds.

    `recent` counts visits from `recent_from`, `previous` those in
    [previous_from, recent_from), `classes` the class visits.
    """

    member_ids: Sequence[uuid.UUID]
    since: dt.datetime
    until: dt.datetime
    previous_from: dt.datetime
    recent_from: dt.datetime


async def add_check_in(session: AsyncSession, check_in: CheckIn) -> None:
    session.add(check_in)
    await session.flush()


def _totals(
    windows: VisitWindows,
) -> Select[uuid.UUID, dt.datetime, int, int, int]:
    at = CheckIn.checked_in_at
    previous = (at >= windows.previous_from) & (at < windows.recent_from)
    return (
        select(
            CheckIn.member_id,
            func.max(at),
            func.count(case((at >= windows.recent_from, 1))),
            func.count(case((previous, 1))),
            func.count(case((CheckIn.is_class.is_(True), 1))),
        )
        .where(
            CheckIn.member_id.in_(list(windows.member_ids)),
            at >= windows.since,
            at < windows.until,
        )
        .group_by(CheckIn.member_id)
    )


async def sum_visits(
    session: AsyncSession, windows: Sequence[VisitWindows]
) -> dict[uuid.UUID, VisitTotals]:
    """The totals of each member with a visit in [since, until), in one query
    (members without are absent). Visit rows stay in the database: each member
    is a range of `ix_check_ins_member_checked_in`.
    """
    selects = [_totals(w) for w in windows if w.member_ids]
    if not selects:
        return {}
    stmt = selects[0] if len(selects) == 1 else union_all(*selects)
    rows = await session.execute(stmt)
    return {
        member_id: VisitTotals(last_at, recent, previous, classes)
        for member_id, last_at, recent, previous, classes in rows
    }


async def list_check_in_times(
    session: AsyncSession,
    member_id: uuid.UUID,
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> list[dt.datetime]:
    """When the member visited, `since <= checked_in_at < until`, oldest first."""
    rows = await session.scalars(
        select(CheckIn.checked_in_at)
        .where(
            CheckIn.member_id == member_id,
            CheckIn.checked_in_at >= since,
            CheckIn.checked_in_at < until,
        )
        .order_by(CheckIn.checked_in_at)
    )
    return list(rows.all())
