"""Shared seeds and checks for the end-to-end flows (Inngest and inline)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Alert, Member, Notification, PersonalRecord, Score
from app.db.session import create_sessionmaker
from tests.support.api_world import World
from tests.support.gym_builders import (
    NOW,
    add_steady_training,
    add_visits,
    at_days_ago,
)

SPIKE = {"performed_at": NOW.isoformat(), "minutes": 120, "rpe": 9, "sets": []}
# The spike's two rules, then the §2.6 notes and the caveat.
SPIKE_REASON_CODES = [
    "weekly_ratio",
    "week_over_week",
    "completeness",
    "driver",
    "suggestion",
    "caveat",
]


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """What the flows wrote, as comparable values."""

    alerts: list[tuple[uuid.UUID, str, str, str]]  # member, kind, level, status
    notifications: list[tuple[uuid.UUID, str, uuid.UUID | None]]
    scores: int
    records: int

    def alerts_of(self, kind: str) -> list[tuple[uuid.UUID, str, str, str]]:
        return [a for a in self.alerts if a[1] == kind]


async def snapshot(engine: AsyncEngine) -> Snapshot:
    async with create_sessionmaker(engine)() as session:
        alerts = (await session.scalars(select(Alert))).all()
        notes = (await session.scalars(select(Notification))).all()
        scores = (await session.scalars(select(Score.id))).all()
        records = (await session.scalars(select(PersonalRecord.id))).all()
    by_alert = {a.id: a.member_id for a in alerts}
    return Snapshot(
        alerts=sorted((a.member_id, a.kind, a.level, a.status) for a in alerts),
        notifications=sorted(
            (n.recipient_id, n.kind, by_alert.get(n.alert_id) if n.alert_id else None)
            for n in notes
        ),
        scores=len(scores),
        records=len(records),
    )


async def alert_reasons(engine: AsyncEngine, kind: str) -> list[list[dict[str, Any]]]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(select(Alert).where(Alert.kind == kind))
        return [a.reasons for a in rows.all()]


async def seed_load_history(engine: AsyncEngine, world: World) -> None:
    """Five steady weeks (1,080 AU each) for `ann`, ending yesterday."""
    async with create_sessionmaker(engine)() as session, session.begin():
        await add_steady_training(session, world.members["ann"])


async def seed_churn(engine: AsyncEngine, world: World) -> None:
    """`ann` and `zed` stopped coming 29 days ago (new, month-to-month): high
    risk; `bob` visits classes twice a week on a fixed term: low risk."""
    async with create_sessionmaker(engine)() as session, session.begin():
        for who in ("ann", "zed"):
            member = await session.get(Member, world.id(who))
            assert member is not None
            member.joined_at = at_days_ago(60)
            add_visits(session, member, range(29, 50, 2))
        bob = await session.get(Member, world.id("bob"))
        assert bob is not None
        bob.contract_kind = "fixed_term"
        add_visits(session, bob, range(1, 84, 3), is_class=True)


def expected_spike_alert(world: World) -> tuple[uuid.UUID, str, str, str]:
    return (world.id("ann"), "injury_risk", "high", "open")


def expected_spike_notification(world: World) -> tuple[uuid.UUID, str, uuid.UUID]:
    return (world.id("cara"), "injury_risk.high", world.id("ann"))
