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
    add_visits,
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
    assert codes == [
        "weekly_ratio",
        "week_over_week",
        "completeness",
        "driver",
        "suggestion",
        "caveat",
    ]
    notes = {r["code"]: r for r in alert.reasons}
    assert notes["completeness"]["text"].endswith(
        ": 7 of 7 days logged; 21 of 21 earlier days logged."
    )
    assert notes["completeness"]["text"].startswith("Week to ")
    assert notes["driver"]["workout_ids"][0] == str(workout_id)
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
    # no ratio yet; +100 % week over week is an info note, coaches not paged
    assert (outcome.level, outcome.dispatched) == ("info", False)
    [alert], events = await alerts_and_events(engine)
    assert events == []
    assert alert.level == "info"
    codes = [(r["code"], r["level"]) for r in alert.reasons]
    assert codes[:2] == [("week_over_week", "info"), ("baseline", "none")]
    assert (
        "Baseline still building (20 of 28 days of history)"
        in (alert.reasons[1]["text"])
    )


async def test_new_member_from_one_to_three_sessions_is_not_a_high_alert(
    engine: AsyncEngine,
) -> None:
    # issue 18 item 1: 14 days in, 420 AU in week 1, 1,260 AU in week 2
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session))
        await session.flush()
        for days in (13, 6, 4):
            await add_workout(session, member, at_days_ago(days), rpe=7)
        today = await add_workout(session, member, at_days_ago(0), rpe=7)
        member_id = member.id
    outcome = await evaluate(engine, member_id, today.id)
    assert (outcome.level, outcome.dispatched) == ("info", False)
    [alert], events = await alerts_and_events(engine)
    assert events == []
    texts = [r["text"] for r in alert.reasons]
    assert "This week's load 1,260 AU is 200 % above last week (420 AU)." in texts
    assert any(t.startswith("Baseline still building (14 of 28") for t in texts)


async def seed_runs(
    engine: AsyncEngine, today_sport: str, today_km: float
) -> tuple[uuid.UUID, uuid.UUID]:
    """Five weeks of 10 km runs (30 min at RPE 5), then today's session."""
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session))
        await session.flush()
        for days in (d for d in range(1, 36) if d % 7 in (0, 2, 4)):
            await add_workout(
                session, member, at_days_ago(days), minutes=30, rpe=5,
                kind="aerobic", sport="run", distance_m=10_000,
            )  # fmt: skip
        today = await add_workout(
            session, member, at_days_ago(0), minutes=30, rpe=5,
            kind="aerobic", sport=today_sport, distance_m=today_km * 1000,
        )  # fmt: skip
        return member.id, today.id


async def test_a_long_ride_after_runs_raises_nothing(engine: AsyncEngine) -> None:
    # issue 18 item 2: a 30 km ride is not "200 % longer than the longest run"
    member_id, workout_id = await seed_runs(engine, "ride", 30.0)
    outcome = await evaluate(engine, member_id, workout_id)
    assert outcome.level == "none"
    assert await alerts_and_events(engine) == ([], [])


async def test_a_long_run_after_runs_is_a_high_spike(engine: AsyncEngine) -> None:
    member_id, workout_id = await seed_runs(engine, "run", 14.0)
    outcome = await evaluate(engine, member_id, workout_id)
    assert (outcome.level, outcome.dispatched) == ("high", True)
    [alert], [event] = await alerts_and_events(engine)
    spike = {r["code"]: r for r in alert.reasons}["session_spike"]
    assert spike["text"] == (
        "Today's run of 14.0 km was 40 % longer than the longest run in the "
        "previous 30 days (10.0 km)."
    )
    assert event.payload["level"] == "high"


@pytest.mark.parametrize(
    ("unlogged_visits", "level", "logged"),
    [((), "high", 7), ((2,), "high", 6), ((2, 4), "caution", 5)],
)
async def test_visits_without_a_logged_session_lower_the_alert(
    engine: AsyncEngine, unlogged_visits: tuple[int, ...], level: str, logged: int
) -> None:
    # issue 18 item 3: a gym visit with no logged session is unknown, not rest
    member_id, workout_id = await seed(engine, minutes=120, rpe=9)
    async with create_sessionmaker(engine)() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        add_visits(session, member, [0, 1, 3, *unlogged_visits])
    outcome = await evaluate(engine, member_id, workout_id)
    assert outcome.level == level
    [alert], [event] = await alerts_and_events(engine)
    assert event.payload["level"] == level
    completeness = {r["code"]: r["text"] for r in alert.reasons}["completeness"]
    assert f": {logged} of 7 days logged" in completeness
    lowered = "Level lowered from high to caution: too few days are logged"
    assert (lowered in completeness) is (level == "caution")


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


async def test_detraining_is_an_info_alert_without_notifying_coaches(
    engine: AsyncEngine,
) -> None:
    # 1,080 AU weeks, then one 360 AU session in each of the last two weeks
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session))
        await session.flush()
        for days in [d for d in range(15, 50) if d % 7 in (1, 3, 5)] + [8]:
            await add_workout(session, member, at_days_ago(days))
        today = await add_workout(session, member, at_days_ago(0))
        member_id = member.id
    outcome = await evaluate(engine, member_id, today.id)
    assert (outcome.level, outcome.dispatched) == ("info", False)
    [alert], events = await alerts_and_events(engine)
    assert events == []
    assert alert.level == "info"
    reasons = {r["code"]: r for r in alert.reasons}
    assert reasons["detraining"]["level"] == "info"
    assert reasons["detraining"]["text"] == (
        "Weekly load has stayed below 0.8 times the previous 3-week average for "
        "2 weeks (0.43 times this week)."
    )
    assert reasons["suggestion"]["text"].startswith("Check in about what changed")
    assert "driver" not in reasons
