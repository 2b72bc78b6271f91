"""Load-change assessment from a member's sessions (load_history, §2.1-§2.6)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.adherence import SessionKind
from app.domain.load import BaselineStatus
from app.domain.load_alerts import AlertLevel, LoadReasonCode
from app.domain.load_completeness import Trust
from app.domain.load_history import assess_member_load, history_start
from app.domain.sport import Sport
from app.domain.training_log import WorkoutRecord

TODAY = date(2026, 3, 18)


def session(
    days_ago: int,
    minutes: float = 60,
    rpe: float | None = 6,
    *,
    kind: SessionKind = SessionKind.STRENGTH,
    distance_m: float | None = None,
    sport: Sport | None = None,
    hour: int = 18,
) -> WorkoutRecord:
    day = TODAY - timedelta(days=days_ago)
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return WorkoutRecord(
        f"w{days_ago}-{hour}", at, "UTC", kind, minutes, rpe, distance_m, sport=sport
    )


def run(days_ago: int, km: float, *, sport: Sport = Sport.RUN) -> WorkoutRecord:
    return session(
        days_ago, 30, 5, kind=SessionKind.AEROBIC, distance_m=km * 1000, sport=sport
    )


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
    assert [(r.code, r.level) for r in alert.reasons] == [
        (LoadReasonCode.WEEK_OVER_WEEK, AlertLevel.INFO)
    ]


def runs_for_five_weeks(km: float = 5.0) -> list[WorkoutRecord]:
    return [run(d, km) for d in range(1, 36) if d % 7 in (0, 2, 4)]


def test_longer_run_than_the_last_30_days_is_a_session_spike() -> None:
    alert = assess_member_load([*runs_for_five_weeks(), run(0, 6.0)], TODAY)
    assert alert.level is AlertLevel.CAUTION  # +20 %: caution (> 10 %, <= 30 %)
    [reason] = alert.reasons
    assert reason.code is LoadReasonCode.SESSION_SPIKE
    assert reason.text == (
        "Today's run of 6.0 km was 20 % longer than the longest run in the "
        "previous 30 days (5.0 km)."
    )
    driver = {n.code: n for n in alert.notes}[LoadReasonCode.DRIVER]
    assert driver.workout_ids == ("w0-18",)


def test_a_long_ride_is_not_compared_with_runs() -> None:
    # issue 18 item 2: a 30 km ride after 10 km runs is not a "200 % longer" run
    history = [*runs_for_five_weeks(10.0), run(0, 30.0, sport=Sport.RIDE)]
    alert = assess_member_load(history, TODAY)
    assert LoadReasonCode.SESSION_SPIKE not in {r.code for r in alert.reasons}


def test_rides_are_compared_with_rides() -> None:
    rides = [run(d, 30.0, sport=Sport.RIDE) for d in (3, 10, 17, 24, 31)]
    history = [*runs_for_five_weeks(10.0), *rides, run(0, 40.0, sport=Sport.RIDE)]
    alert = assess_member_load(history, TODAY)
    spike = {r.code: r for r in alert.reasons}[LoadReasonCode.SESSION_SPIKE]
    assert spike.level is AlertLevel.HIGH  # +33 % > +30 %
    assert spike.text.startswith("Today's ride of 40.0 km was 33 % longer")


def test_aerobic_session_without_a_sport_is_never_compared_by_distance() -> None:
    untyped = session(0, 30, 5, kind=SessionKind.AEROBIC, distance_m=50_000)
    alert = assess_member_load([*runs_for_five_weeks(), untyped], TODAY)
    assert LoadReasonCode.SESSION_SPIKE not in {r.code for r in alert.reasons}


def test_new_member_rising_from_one_to_three_sessions_gets_an_info_note() -> None:
    # issue 18 item 1: 14 days in, one session in week 1, three in week 2
    history = [session(d, 60, 7) for d in (13, 6, 4, 2)]  # 420 AU each
    alert = assess_member_load(history, TODAY)
    assert alert.level is AlertLevel.INFO
    assert alert.status is BaselineStatus.BUILDING_BASELINE
    [reason] = alert.reasons
    assert (reason.code, reason.level) == (
        LoadReasonCode.WEEK_OVER_WEEK,
        AlertLevel.INFO,
    )
    assert reason.text == (
        "This week's load 1,260 AU is 200 % above last week (420 AU)."
    )
    notes = {n.code: n.text for n in alert.notes}
    assert notes[LoadReasonCode.BASELINE] == (
        "Baseline still building (14 of 28 days of history): informational only, "
        "no caution or high level yet."
    )


@pytest.mark.parametrize(
    ("first_days_ago", "level"),
    [(26, AlertLevel.INFO), (27, AlertLevel.HIGH)],  # 27 vs 28 days of history
)
def test_baseline_gate_opens_at_28_days_of_history(
    first_days_ago: int, level: AlertLevel
) -> None:
    # last week 360 AU, this week 720 AU: +100 % week over week
    history = [session(first_days_ago), session(10), session(3), session(1)]
    alert = assess_member_load(history, TODAY)
    assert alert.level is level
    week = {r.code: r.level for r in alert.reasons}[LoadReasonCode.WEEK_OVER_WEEK]
    assert week is level


def test_a_spike_before_28_days_of_history_is_info() -> None:
    history = [run(d, 5.0) for d in (20, 15, 10, 5)] + [run(0, 10.0)]
    alert = assess_member_load(history, TODAY)
    spike = {r.code: r for r in alert.reasons}[LoadReasonCode.SESSION_SPIKE]
    assert (alert.level, spike.level) == (AlertLevel.INFO, AlertLevel.INFO)


class TestCompleteness:
    """Gym visits without a logged session are unknown days (§2.2)."""

    HARD = (session(0, 120, 9),)  # doubles the steady week: high

    def test_every_day_known_keeps_the_level_and_says_7_of_7(self) -> None:
        alert = assess_member_load([*steady(), *self.HARD], TODAY, visit_days=[TODAY])
        assert (alert.level, alert.trust) == (AlertLevel.HIGH, Trust.FULL)
        notes = {n.code: n.text for n in alert.notes}
        assert notes[LoadReasonCode.COMPLETENESS] == (
            "Week to Wed 18 Mar: 7 of 7 days logged; 21 of 21 earlier days logged."
        )

    WEEK_GAPS = (2, 4, 6)  # days ago without a logged session this week
    REFERENCE_GAPS = (7, 9, 11, 13, 14, 16, 18, 20, 21, 23)

    @pytest.mark.parametrize(
        ("week_visits", "reference_visits", "level", "trust"),
        [
            (1, 0, AlertLevel.HIGH, Trust.FULL),  # 6 of 7
            (2, 0, AlertLevel.CAUTION, Trust.DOWNGRADED),  # 5 of 7
            (3, 0, AlertLevel.CAUTION, Trust.DOWNGRADED),  # 4 of 7
            (0, 3, AlertLevel.HIGH, Trust.FULL),  # 18 of 21 earlier days
            (0, 4, AlertLevel.CAUTION, Trust.DOWNGRADED),  # 17 of 21
            (0, 9, AlertLevel.CAUTION, Trust.DOWNGRADED),  # 12 of 21
            (0, 10, AlertLevel.INFO, Trust.WITHHELD),  # 11 of 21
        ],
    )
    def test_unlogged_visit_days_lower_or_withhold(
        self,
        week_visits: int,
        reference_visits: int,
        level: AlertLevel,
        trust: Trust,
    ) -> None:
        gaps = self.WEEK_GAPS[:week_visits] + self.REFERENCE_GAPS[:reference_visits]
        days = [TODAY - timedelta(days=d) for d in gaps]
        alert = assess_member_load([*steady(), *self.HARD], TODAY, visit_days=days)
        assert (alert.level, alert.trust) == (level, trust)
        assert alert.rule_level is AlertLevel.HIGH

    def test_downgrade_says_why(self) -> None:
        visits = [TODAY - timedelta(days=d) for d in (2, 4)]
        alert = assess_member_load([*steady(), *self.HARD], TODAY, visit_days=visits)
        notes = {n.code: n.text for n in alert.notes}
        assert notes[LoadReasonCode.COMPLETENESS] == (
            "Week to Wed 18 Mar: 5 of 7 days logged; no session logged on Sat 14 Mar, "
            "Mon 16 Mar despite "
            "a gym visit; 21 of 21 earlier days logged. Level lowered from high to "
            "caution: too few days are logged to trust the full level."
        )


def test_doubled_week_explains_driver_and_suggestion() -> None:
    alert = assess_member_load([*steady(), session(0, 120, 9)], TODAY)
    notes = {n.code: n for n in alert.notes}
    assert notes[LoadReasonCode.DRIVER].text == (
        "Likely driver: Wed 18 Mar strength session 120 min at RPE 9 (1,080 AU); "
        "Tue 17 Mar strength session 60 min at RPE 6 (360 AU)."
    )
    assert notes[LoadReasonCode.DRIVER].workout_ids == ("w0-18", "w1-18")
    assert notes[LoadReasonCode.SUGGESTION].text == (
        "Consider keeping next week near 1,404 AU (at most 1.3 times the usual "
        "1,080 AU); check in about soreness."
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
