"""Load-change evaluation after a workout: levels, reasons, one alert a day."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Alert, Member, OutboxEvent
from app.db.session import create_sessionmaker
from app.jobs.dispatch import Dispatcher
from app.services import injury_risk
from tests.support.gym_builders import (
    add_gym,
    add_member,
    add_steady_training,
    add_workout,
    at_days_ago,
)

pytestmark = pytest.mark.db


async def seed(
    engine: AsyncEngine, *, minutes: float, rpe: float, weeks: int = 5
) -> tuple[uuid.UUID, uuid.UUID]:
    """Steady 1,080 AU weeks, then today's session of `minutes` x `rpe`."""
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session))
        await session.flush()
        await add_steady_training(session, member, weeks=weeks)
        today = await add_workout(
            session, member, at_days_ago(0), minutes=minutes, rpe=rpe
        )
        return member.id, today.id


async def evaluate(
    engine: AsyncEngine, member_id: uuid.UUID, workout_id: uuid.UUID
) -> injury_risk.InjuryRiskOutcome:
    dispatcher = Dispatcher(enabled=True)  # events become outbox rows
    async with create_sessionmaker(engine)() as session, session.begin():
        return await injury_risk.evaluate_injury_risk(
            session, dispatcher, member_id, workout_id
        )


async def alerts_and_events(
    engine: AsyncEngine,
) -> tuple[list[Alert], list[OutboxEvent]]:
    async with create_sessionmaker(engine)() as session:
        alerts = list((await session.scalars(select(Alert))).all())
        events = list((await session.scalars(select(OutboxEvent))).all())
    return alerts, events


async def test_spike_gives_one_high_alert_with_worded_reasons(
    engine: AsyncEngine,
) -> None:
    member_id, workout_id = await seed(engine, minutes=120, rpe=9)  # 1,080 AU
    first = await evaluate(engine, member_id, workout_id)
    again = await evaluate(engine, member_id, workout_id)
    assert first.level == "high"
    assert first.dispatched
    assert again.dispatched is False
    [alert], [event] = await alerts_and_events(engine)
    assert (alert.kind, alert.level, alert.status) == ("injury_risk", "high", "open")
    codes = [r["code"] for r in alert.reasons]
    assert codes == ["weekly_ratio", "week_over_week", "caveat"]
    texts = " ".join(r["text"] for r in alert.reasons)
    assert (
        "2,160 AU is 2.00 times the previous 3-week average (1,080 AU a week)" in texts
    )
    assert "100 % above last week" in texts
    assert "do not diagnose or predict" in texts
    assert "injur" not in texts.replace("a specific injury", "")
    assert event.name == "platform/alerts.injury-risk-detected"
    assert event.payload == {
        "member_id": str(member_id),
        "alert_id": str(alert.id),
        "level": "high",
    }


async def test_moderate_rise_is_a_caution(engine: AsyncEngine) -> None:
    member_id, workout_id = await seed(engine, minutes=60, rpe=6)  # 1,440 AU week
    outcome = await evaluate(engine, member_id, workout_id)
    [alert], _ = await alerts_and_events(engine)
    # ratio 1.33 (caution), week over week +33 % (caution)
    assert outcome.level == alert.level == "caution"


async def test_steady_week_raises_nothing(engine: AsyncEngine) -> None:
    member_id, workout_id = await seed(engine, minutes=10, rpe=3)
    outcome = await evaluate(engine, member_id, workout_id)
    assert outcome.level == "none"
    assert outcome.alert_id is None
    assert await alerts_and_events(engine) == ([], [])


async def test_short_history_is_building_baseline(engine: AsyncEngine) -> None:
    member_id, workout_id = await seed(engine, minutes=120, rpe=9, weeks=3)
    outcome = await evaluate(engine, member_id, workout_id)
    # no ratio yet; the week-over-week rule still sees +100 %
    assert outcome.level == "high"
    [alert], _ = await alerts_and_events(engine)
    assert [r["code"] for r in alert.reasons] == ["week_over_week", "caveat"]


async def test_higher_level_the_same_day_escalates_the_one_alert(
    engine: AsyncEngine,
) -> None:
    member_id, workout_id = await seed(engine, minutes=60, rpe=6)
    await evaluate(engine, member_id, workout_id)
    async with create_sessionmaker(engine)() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        later = await add_workout(session, member, at_days_ago(0), minutes=90, rpe=8)
    outcome = await evaluate(engine, member_id, later.id)
    [alert], events = await alerts_and_events(engine)
    assert outcome.dispatched
    assert alert.level == "high"
    assert sorted(e.payload["level"] for e in events) == ["caution", "high"]
