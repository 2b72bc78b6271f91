"""Load-change assessment from a member's sessions (load_history, §2.1-§2.6)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.adherence import SessionKind
from app.domain.load import BaselineStatus
from app.domain.load_alerts import AlertLevel, LoadReasonCode
from app.domain.load_history import assess_member_load, history_start
from app.domain.training_log import WorkoutRecord

TODAY = date(2026, 3, 18)


def session(
    days_ago: int,
    minutes: float = 60,
    rpe: float | None = 6,
    *,
    kind: SessionKind = SessionKind.STRENGTH,
    distance_m: float | None = None,
) -> WorkoutRecord:
    day = TODAY - timedelta(days=days_ago)
    at = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)
    return WorkoutRecord(f"w{days_ago}", at, "UTC", kind, minutes, rpe, distance_m)


def steady(weeks: int = 5) -> list[WorkoutRecord]:
    """360 AU on 3 days a week, ending yesterday: 1,080 AU a week."""
    return [session(d) for d in range(1, 7 * weeks + 1) if d % 7 in (1, 3, 5)]


def test_doubling_the_week_is_high_with_ratio_and_week_change() -> None:
    alert = assess_member_load([*steady(), session(0, 120, 9)], TODAY)
    assert alert.level is AlertLevel.HIGH
    assert alert.status is BaselineStatus.READY
    assert [r.code for r in alert.reasons] == [
        LoadReasonCode.WEEKLY_RATIO,
        LoadReasonCode.WEEK_OVER_WEEK,
    ]
    assert alert.reasons[0].text == (
        "This week's load 2,160 AU is 2.00 times the previous 3-week average "
        "(1,080 AU a week)."
    )
    assert alert.reasons[1].text == (
        "This week's load 2,160 AU is 100 % above last week (1,080 AU)."
    )


def test_a_third_more_is_caution() -> None:
    # 1,440 AU this week: ratio 1.33 (caution) and +33 % week over week (caution)
    alert = assess_member_load([*steady(), session(0)], TODAY)
    assert alert.level is AlertLevel.CAUTION
    assert {r.level for r in alert.reasons} == {AlertLevel.CAUTION}


def test_under_28_days_builds_a_baseline_without_ratio_rules() -> None:
    alert = assess_member_load([*steady(weeks=3), session(0, 120, 9)], TODAY)
    assert alert.status is BaselineStatus.BUILDING_BASELINE
    assert [r.code for r in alert.reasons] == [LoadReasonCode.WEEK_OVER_WEEK]


def test_longer_run_than_the_last_30_days_is_a_session_spike() -> None:
    runs = [
        session(d, 30, 5, kind=SessionKind.AEROBIC, distance_m=5000)
        for d in range(1, 36)
        if d % 7 in (0, 2, 4)
    ]
    today = session(0, 30, 5, kind=SessionKind.AEROBIC, distance_m=6000)
    alert = assess_member_load([*runs, today], TODAY)
    assert alert.level is AlertLevel.CAUTION  # +20 %: caution (> 10 %, <= 30 %)
    [reason] = alert.reasons
    assert reason.code is LoadReasonCode.SESSION_SPIKE
    assert reason.text == (
        "The latest session was 20 % longer than the longest in the previous 30 days."
    )


def test_an_unrated_session_without_a_median_makes_the_window_unusable() -> None:
    history = [*steady(), session(0, 120, None, kind=SessionKind.AEROBIC)]
    assert assess_member_load(history, TODAY).level is AlertLevel.NONE


@pytest.mark.parametrize("sessions", [[], [session(100)], [session(-1)]])
def test_nothing_in_the_window_is_no_alert(sessions: list[WorkoutRecord]) -> None:
    alert = assess_member_load(sessions, TODAY)
    assert alert.level is AlertLevel.NONE
    assert alert.reasons == ()


def test_history_window_is_12_weeks() -> None:
    assert history_start(TODAY) == TODAY - timedelta(days=83)
