"""Load-change alert levels, reasons and wording: doc §2.6."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain import load_alerts
from app.domain.load import BaselineStatus
from app.domain.load_alerts import (
    AlertLevel,
    LoadReasonCode,
    LoadSignals,
    SessionSpike,
)
from app.domain.sport import Sport

QUIET = LoadSignals(
    status=BaselineStatus.READY,
    weekly_load=1000.0,
    previous_week_load=1000.0,
    chronic_weekly_load=1000.0,
    weekly_ratio=1.0,
    previous_weekly_ratio=1.0,
    monotony=1.2,
    strain=1200.0,
)
L = AlertLevel


def levels(alert: load_alerts.LoadAlert) -> dict[LoadReasonCode, AlertLevel]:
    return {r.code: r.level for r in alert.reasons}


def run_spike(pct: float) -> SessionSpike:
    """A run ``pct`` % longer than the 10 km longest of the last 30 days."""
    return SessionSpike(Sport.RUN, 10_000 * (1 + pct / 100), 10_000)


def test_steady_week_raises_nothing() -> None:
    alert = load_alerts.assess_load_alert(
        QUIET, strain_p90=5000.0, session_spike=run_spike(0.0)
    )
    assert (alert.level, alert.reasons) == (L.NONE, ())


@pytest.mark.parametrize(
    ("ratio", "chronic", "level"),
    [(1.29, 1000.0, None), (1.3, 1000.0, L.CAUTION), (1.49, 1000.0, L.CAUTION),
     (1.5, 300.0, L.HIGH), (1.5, 299.0, L.CAUTION), (2.5, 1000.0, L.HIGH)],
)  # fmt: skip
def test_uncoupled_weekly_ratio(
    ratio: float, chronic: float, level: AlertLevel | None
) -> None:
    signals = replace(
        QUIET,
        weekly_ratio=ratio,
        chronic_weekly_load=chronic,
        weekly_load=ratio * chronic,
    )
    alert = load_alerts.assess_load_alert(signals)
    assert levels(alert).get(LoadReasonCode.WEEKLY_RATIO) == level


@pytest.mark.parametrize(
    ("this_week", "level"),
    [(1299.0, None), (1300.0, L.CAUTION), (1499.0, L.CAUTION), (1500.0, L.HIGH)],
)
def test_week_over_week(this_week: float, level: AlertLevel | None) -> None:
    signals = replace(QUIET, weekly_load=this_week)
    alert = load_alerts.assess_load_alert(signals)
    assert levels(alert).get(LoadReasonCode.WEEK_OVER_WEEK) == level


@pytest.mark.parametrize(
    ("spike", "level"),
    [(None, None), (10.0, None), (10.1, L.CAUTION), (30.0, L.CAUTION), (30.1, L.HIGH)],
)
def test_single_session_spike(spike: float | None, level: AlertLevel | None) -> None:
    alert = load_alerts.assess_load_alert(
        QUIET, session_spike=None if spike is None else run_spike(spike)
    )
    assert levels(alert).get(LoadReasonCode.SESSION_SPIKE) == level
    assert alert.level == (level or L.NONE)


@pytest.mark.parametrize(
    ("monotony", "strain", "p90", "level"),
    [(2.1, 3000.0, 2999.0, L.CAUTION), (2.0, 3000.0, 2999.0, None),
     (2.1, 3000.0, 3000.0, None), (2.1, 3000.0, None, None), (None, None, 10.0, None)],
)  # fmt: skip
def test_monotony_with_strain_above_personal_p90(
    monotony: float | None,
    strain: float | None,
    p90: float | None,
    level: AlertLevel | None,
) -> None:
    signals = replace(QUIET, monotony=monotony, strain=strain)
    alert = load_alerts.assess_load_alert(signals, strain_p90=p90)
    assert levels(alert).get(LoadReasonCode.MONOTONY) == level


@pytest.mark.parametrize(
    ("now", "before", "level"),
    [(0.7, 0.75, L.INFO), (0.7, 0.8, None), (0.8, 0.7, None), (0.7, None, None)],
)
def test_detraining_after_two_low_weeks(
    now: float, before: float | None, level: AlertLevel | None
) -> None:
    signals = replace(
        QUIET, weekly_ratio=now, previous_weekly_ratio=before, weekly_load=700.0,
        previous_week_load=700.0,
    )  # fmt: skip
    alert = load_alerts.assess_load_alert(signals)
    assert levels(alert).get(LoadReasonCode.DETRAINING) == level


def test_doc_coach_alert_wording() -> None:
    previous = 2400 / 1.64
    signals = replace(
        QUIET, weekly_load=2400.0, previous_week_load=previous,
        chronic_weekly_load=previous, weekly_ratio=1.64,
    )  # fmt: skip
    alert = load_alerts.assess_load_alert(signals)
    assert alert.level is L.HIGH
    texts = {r.code: r.text for r in alert.reasons}
    assert texts[LoadReasonCode.WEEK_OVER_WEEK] == (
        "This week's load 2,400 AU is 64 % above last week (1,463 AU)."
    )
    assert texts[LoadReasonCode.WEEKLY_RATIO] == (
        "This week's load 2,400 AU is 1.64 times the previous 3-week average "
        "(1,463 AU a week)."
    )
    assert alert.caveat == (
        "Load ratios flag rapid change; they do not diagnose or predict a specific injury."
    )


def test_reasons_describe_load_change_not_injury_risk() -> None:
    signals = replace(
        QUIET, weekly_load=3000.0, weekly_ratio=3.0, monotony=3.0, strain=9000.0
    )
    alert = load_alerts.assess_load_alert(
        signals, strain_p90=1.0, session_spike=run_spike(200.0)
    )
    assert len(alert.reasons) == 4
    for reason in alert.reasons:
        assert "risk" not in reason.text.lower()
        assert "injur" not in reason.text.lower()


class TestSummarizeLoadSignals:
    BASE_WEEK = [300.0, 0.0, 300.0, 0.0, 300.0, 600.0, 0.0]  # 1,500 AU
    HARD_WEEK = [400.0, 0.0, 400.0, 0.0, 400.0, 1200.0, 0.0]  # 2,400 AU

    def test_weekly_figures_and_high_alert(self) -> None:
        signals = load_alerts.summarize_load_signals(
            self.BASE_WEEK * 4 + self.HARD_WEEK
        )
        assert signals.status is BaselineStatus.READY
        assert (signals.weekly_load, signals.previous_week_load) == (2400.0, 1500.0)
        assert signals.chronic_weekly_load == pytest.approx(1500.0)
        assert signals.weekly_ratio == pytest.approx(1.6)
        assert signals.previous_weekly_ratio == pytest.approx(1.0)
        assert signals.monotony is not None
        assert signals.strain is not None
        alert = load_alerts.assess_load_alert(signals)
        assert alert.level is L.HIGH
        assert set(levels(alert)) == {
            LoadReasonCode.WEEKLY_RATIO,
            LoadReasonCode.WEEK_OVER_WEEK,
        }

    def test_short_history_is_building_baseline(self) -> None:
        signals = load_alerts.summarize_load_signals(self.BASE_WEEK + self.HARD_WEEK)
        assert signals.status is BaselineStatus.BUILDING_BASELINE
        assert (signals.weekly_ratio, signals.chronic_weekly_load) == (None, None)
        alert = load_alerts.assess_load_alert(signals)
        # +60 % would be high; before 28 days of history it is a note only
        assert levels(alert) == {LoadReasonCode.WEEK_OVER_WEEK: L.INFO}
        assert alert.level is L.INFO
        assert alert.status is BaselineStatus.BUILDING_BASELINE
        [note] = alert.notes
        assert note.text == (
            "Baseline still building (14 of 28 days of history): informational "
            "only, no caution or high level yet."
        )

    @pytest.mark.parametrize("days", [0, 3])
    def test_very_short_history(self, days: int) -> None:
        signals = load_alerts.summarize_load_signals([100.0] * days)
        assert (signals.previous_week_load, signals.monotony) == (None, None)
        assert load_alerts.assess_load_alert(signals).level is L.NONE


TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("level", "last_sent", "send"),
    [
        (L.NONE, None, False),
        (L.CAUTION, None, True),
        (L.CAUTION, (TODAY - timedelta(days=3), L.CAUTION), False),
        (L.CAUTION, (TODAY - timedelta(days=6), L.HIGH), False),
        (L.CAUTION, (TODAY - timedelta(days=7), L.CAUTION), True),
        (L.HIGH, (TODAY - timedelta(days=1), L.CAUTION), True),
        (L.CAUTION, (TODAY - timedelta(days=1), L.INFO), True),
    ],
)
def test_one_alert_per_seven_days_unless_escalating(
    level: AlertLevel, last_sent: tuple[date, AlertLevel] | None, send: bool
) -> None:
    assert load_alerts.should_send_load_alert(level, TODAY, last_sent) is send
