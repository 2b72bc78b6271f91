"""The churn scan's pieces: one event per gym, batches that alert at-risk members."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.models import Alert, Gym, Member, OutboxEvent
from app.db.session import create_sessionmaker
from app.jobs.dispatch import Dispatcher
from app.services import churn_scan
from tests.support.gym_builders import NOW, add_gym, add_member, add_visits, at_days_ago

pytestmark = pytest.mark.db
TODAY = NOW.date()


async def add_at_risk(session: AsyncSession, gym: Gym, **fields: Any) -> Member:
    """Joined 2 months ago, 11 visits 29-49 days ago, none since: 100 points."""
    member = add_member(session, gym, joined_at=at_days_ago(60), **fields)
    await session.flush()
    add_visits(session, member, range(29, 50, 2))
    return member


async def seed_gym(engine: AsyncEngine) -> dict[str, uuid.UUID]:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        at_risk = await add_at_risk(session, gym)
        frozen = await add_at_risk(session, gym, churn_suppression="freeze")
        healthy = add_member(session, gym, contract_kind="fixed_term")
        medium = add_member(session, gym, contract_kind="fixed_term")
        staff = add_member(session, gym, role="owner")
        await session.flush()
        add_visits(session, healthy, range(1, 84, 3), is_class=True)
        # 10 days since last visit (15), 5 visits in 28 days (10), 8 before
        # (ratio 0.625: 10), never a class (5): 40 points, medium
        add_visits(session, medium, [10, 12, 14, 16, 18])
        add_visits(session, medium, [30, 33, 36, 39, 42, 45, 48, 51])
        return {
            "gym": gym.id,
            "at_risk": at_risk.id,
            "frozen": frozen.id,
            "healthy": healthy.id,
            "medium": medium.id,
            "staff": staff.id,
        }


async def scan(engine: AsyncEngine, gym_id: uuid.UUID, limit: int) -> list[int]:
    """Scan the gym in pages of `limit`; returns the batch sizes."""
    sizes: list[int] = []
    after = None
    while True:
        async with create_sessionmaker(engine)() as session, session.begin():
            result = await churn_scan.scan_member_batch(
                session,
                Dispatcher(enabled=True),
                gym_id,
                TODAY,
                after=after,
                limit=limit,
            )
        sizes.append(result.evaluated)
        if result.evaluated < limit:
            return sizes
        after = result.last_member_id


async def stored(engine: AsyncEngine) -> tuple[list[Alert], list[OutboxEvent]]:
    async with create_sessionmaker(engine)() as session:
        alerts = list(
            (await session.scalars(select(Alert).order_by(Alert.level))).all()
        )
        events = list((await session.scalars(select(OutboxEvent))).all())
    return alerts, events


async def test_batches_alert_only_the_at_risk_members(engine: AsyncEngine) -> None:
    ids = await seed_gym(engine)
    assert await scan(engine, ids["gym"], limit=2) == [2, 2, 0]  # staff not scanned
    alerts, events = await stored(engine)
    assert [(a.member_id, a.level, a.score) for a in alerts] == [
        (ids["at_risk"], "high", 100),
        (ids["medium"], "medium", 40),
    ]
    high = alerts[0]
    assert [r["code"] for r in high.reasons] == ["recency", "frequency", "trend"]
    assert high.reasons[0]["text"] == "29 days since last visit"
    assert sorted(e.payload["alert_id"] for e in events) == sorted(
        str(a.id) for a in alerts
    )
    assert {e.name for e in events} == {"platform/alerts.churn-risk-detected"}


async def test_a_repeated_scan_adds_nothing(engine: AsyncEngine) -> None:
    ids = await seed_gym(engine)
    await scan(engine, ids["gym"], limit=500)
    await scan(engine, ids["gym"], limit=500)
    alerts, events = await stored(engine)
    assert len(alerts) == len(events) == 2


async def test_one_scan_event_per_gym_deduplicated_by_day(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        gyms = [add_gym(session) for _ in range(3)]
    for _ in range(2):
        async with create_sessionmaker(engine)() as session, session.begin():
            page = await churn_scan.request_gym_scans(
                session, Dispatcher(enabled=True), TODAY, after=None, limit=2
            )
            assert page.count == 2
            page = await churn_scan.request_gym_scans(
                session, Dispatcher(enabled=True), TODAY, after=page.last_id, limit=2
            )
            assert page.count == 1
    _, events = await stored(engine)
    assert sorted(e.payload["gym_id"] for e in events) == sorted(
        str(g.id) for g in gyms
    )
    assert all(e.payload["scan_on"] == TODAY.isoformat() for e in events)
    assert all(e.id.endswith(f":{TODAY.isoformat()}:start") for e in events)


async def test_recent_alert_is_not_repeated_within_14_days(engine: AsyncEngine) -> None:
    ids = await seed_gym(engine)
    await scan(engine, ids["gym"], limit=500)
    async with create_sessionmaker(engine)() as session, session.begin():
        for alert in (await session.scalars(select(Alert))).all():
            alert.alert_on = TODAY - dt.timedelta(days=13)
    await scan(engine, ids["gym"], limit=500)
    alerts, _ = await stored(engine)
    assert len(alerts) == 2  # same band within 14 days: no new alert
