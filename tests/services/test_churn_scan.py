"""The churn scan's pieces: one event per gym, batches that alert at-risk members."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.models import Alert, CheckIn, Gym, Member, OutboxEvent
from app.db.repositories import alert as alert_repo
from app.db.repositories import member as member_repo
from app.db.session import create_sessionmaker
from app.domain import churn
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
    assert [r["code"] for r in high.reasons] == [
        "recency",
        "frequency",
        "trend",
        "summary",
        "context",
        "play",
        "message",
    ]
    assert high.reasons[0]["text"] == "29 days since last visit"
    notes = {r["code"]: r["text"] for r in high.reasons}
    assert notes["summary"].startswith("high churn risk, 100 of 100: 29 days since")
    # 60 days is one or two full months depending on today's date
    assert notes["context"] in {
        "Member for 1 month; month-to-month contract.",
        "Member for 2 months; month-to-month contract.",
    }
    # joined 2 months ago: the new-member play comes first (§4.4)
    assert notes["play"] == "New member: book an induction or a PT check-in."
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


async def test_an_alert_already_stored_that_day_is_kept_and_not_announced(
    engine: AsyncEngine,
) -> None:
    """A run that finds the day's alert stored (a re-run after a band change,
    or a concurrent run) neither duplicates nor replaces it, nor sends an event."""
    ids = await seed_gym(engine)
    async with create_sessionmaker(engine)() as session, session.begin():
        earlier = {
            "gym_id": ids["gym"],
            "member_id": ids["at_risk"],
            "kind": "churn_risk",
            "rule": "",
            "level": "medium",  # the scan now finds high: worse, so due again
            "reasons": [],
            "alert_on": TODAY,
        }
        await alert_repo.add_alerts(session, [earlier])
    await scan(engine, ids["gym"], limit=500)
    alerts, events = await stored(engine)
    assert {(a.member_id, a.level) for a in alerts} == {
        (ids["at_risk"], "medium"),
        (ids["medium"], "medium"),
    }
    assert [e.payload["member_id"] for e in events] == [str(ids["medium"])]
    assert all(a.status == "open" for a in alerts)


SCAN_DAYS = [
    dt.date(2024, 9, 7),  # Santiago: the next local day starts at 01:00 (no 00:00)
    dt.date(2026, 3, 28),  # London: summer time starts on the next day
]
ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/Santiago",
    "America/St_Johns",
    "Europe/London",
]
EDGES = [-dt.timedelta(microseconds=1), dt.timedelta(0), dt.timedelta(microseconds=1)]


def edges_of(scan_on: dt.date, tz: str) -> list[dt.datetime]:
    """Every instant where a visit enters or leaves a window, for this zone."""
    starts = churn.visit_window_starts(scan_on, tz)
    utc_day = dt.datetime.combine(scan_on, dt.time(), tzinfo=dt.UTC)
    since = utc_day - dt.timedelta(days=churn_scan.VISIT_HISTORY_DAYS)
    until = utc_day + dt.timedelta(days=1)
    return [
        since,
        starts.previous_from,
        starts.recent_from,
        starts.after_today,
        until,
        min(starts.after_today, until) - dt.timedelta(hours=30),  # a recent one
    ]


def summary_from_rows(
    visits: list[tuple[dt.datetime, bool]], tz: str, scan_on: dt.date
) -> churn.VisitSummary:
    """The scan before visits were totalled in SQL: the UTC days it read, then
    member-local days in Python."""
    utc_day = dt.datetime.combine(scan_on, dt.time(), tzinfo=dt.UTC)
    since = utc_day - dt.timedelta(days=churn_scan.VISIT_HISTORY_DAYS)
    until = utc_day + dt.timedelta(days=1)
    zone = ZoneInfo(tz)
    check_ins = [
        churn.CheckIn(at.astimezone(zone).date(), is_class)
        for at, is_class in visits
        if since <= at < until
    ]
    return churn.summarize_visits(check_ins, scan_on)


@pytest.mark.parametrize("scan_on", SCAN_DAYS)
async def test_visit_totals_in_sql_match_local_days_at_every_edge(
    engine: AsyncEngine, scan_on: dt.date
) -> None:
    """Members in 7 zones with visits just before, at and after each window
    edge: the totals from SQL give the summary of the row-by-row reading."""
    expected: dict[uuid.UUID, churn.VisitSummary] = {}
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        for tz in ZONES:
            for edge in edges_of(scan_on, tz):
                member = add_member(session, gym, timezone=tz)
                await session.flush()
                visits = [(edge + d, d >= dt.timedelta(0)) for d in EDGES]
                for at, is_class in visits:
                    session.add(
                        CheckIn(
                            member_id=member.id,
                            gym_id=gym.id,
                            checked_in_at=at,
                            is_class=is_class,
                        )
                    )
                expected[member.id] = summary_from_rows(visits, tz, scan_on)
            idle = add_member(session, gym, timezone=tz)
            expected[idle.id] = churn.VisitSummary(None, 0, 0, 0)
    async with create_sessionmaker(engine)() as session:
        members = await member_repo.list_member_page(
            session, gym.id, after=None, limit=500
        )
        found = await churn_scan.summarize_member_visits(session, members, scan_on)
    assert len(found) == len(expected) == len(ZONES) * 7
    assert found == expected
    assert any(s.visits_previous_28_days for s in found.values())  # not all empty
