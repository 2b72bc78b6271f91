"""Session load, daily loads, ACWR, monotony and spikes: doc §2.1-2.5."""

import math
from datetime import date, timedelta

import pytest

from app.domain import load
from app.domain.errors import DomainInputError
from app.domain.load import (
    AcwrMethod,
    BaselineStatus,
    EwmaSeed,
    StdevKind,
    TrainingSession,
)

STEADY_WEEK = [300.0, 0.0, 300.0, 0.0, 300.0, 300.0, 0.0]  # Mon, Wed, Fri, Sat
RAMP = [100.0] * 21 + [200.0] * 7


@pytest.mark.parametrize(
    ("rpe", "minutes", "expected"),
    [
        (7, 60, 420.0),
        (0, 60, 0.0),
        (12, 60, 600.0),
        (5, 300, 1200.0),
        (10, 240, 2400.0),
    ],
)
def test_session_load_is_rpe_times_minutes_with_caps(
    rpe: float, minutes: float, expected: float
) -> None:
    assert load.compute_session_load(rpe, minutes) == expected


@pytest.mark.parametrize(
    ("rpe", "minutes"), [(-1, 60), (5, -1), (math.nan, 60), (5, math.inf)]
)
def test_session_load_rejects_bad_input(rpe: float, minutes: float) -> None:
    with pytest.raises(DomainInputError):
        load.compute_session_load(rpe, minutes)


class TestDailyLoads:
    START = date(2026, 3, 2)

    def day(self, offset: int) -> date:
        return self.START + timedelta(days=offset)

    def test_sums_sessions_per_day_and_rest_days_are_zero(self) -> None:
        sessions = [
            TrainingSession(self.day(0), 60, 7),
            TrainingSession(self.day(0), 30, 4),
            TrainingSession(self.day(2), 45, 8),
            TrainingSession(self.day(9), 45, 8),  # outside the window
        ]
        series = load.build_daily_loads(sessions, self.START, self.day(3))
        assert series.loads == (540.0, 0.0, 360.0, 0.0)
        assert (series.sessions, series.is_usable, series.is_complete) == (
            3,
            True,
            True,
        )

    @pytest.mark.parametrize(
        ("rated", "unrated", "usable"), [(4, 1, True), (3, 1, False), (8, 2, True)]
    )
    def test_imputes_median_rpe_of_the_type_up_to_20_percent(
        self, rated: int, unrated: int, usable: bool
    ) -> None:
        sessions = [
            TrainingSession(self.day(i), 60, 6 + i % 3, "run") for i in range(rated)
        ]
        sessions += [TrainingSession(self.day(rated), 60, None, "run")] * unrated
        series = load.build_daily_loads(sessions, self.START, self.day(rated))
        median = sorted(6 + i % 3 for i in range(rated))
        expected_rpe = (median[(rated - 1) // 2] + median[rated // 2]) / 2
        assert series.loads[rated] == pytest.approx(unrated * expected_rpe * 60)
        assert (series.imputed_sessions, series.is_usable) == (unrated, usable)

    def test_unrated_session_without_a_median_makes_the_window_unusable(self) -> None:
        sessions = [TrainingSession(self.day(0), 60, 7, "lift")] * 9
        sessions.append(TrainingSession(self.day(1), 60, None, "swim"))
        series = load.build_daily_loads(sessions, self.START, self.day(1))
        assert (series.unrated_sessions_skipped, series.is_usable) == (1, False)
        assert series.loads[1] == 0.0

    def test_unknown_days_mark_the_window_incomplete(self) -> None:
        series = load.build_daily_loads(
            [], self.START, self.day(6), unknown_days={self.day(6), self.day(30)}
        )
        assert (series.unknown_days, series.is_complete) == ((self.day(6),), False)

    def test_rejects_reversed_window(self) -> None:
        with pytest.raises(DomainInputError):
            load.build_daily_loads([], self.day(1), self.START)


class TestEwma:
    def test_smoothing_is_two_over_n_plus_one(self) -> None:
        assert load.compute_ewma([100.0, 0.0, 0.0], 7) == pytest.approx(
            (100.0, 75.0, 56.25)
        )
        chronic = load.compute_ewma([100.0, 0.0], 28)
        assert chronic[1] == pytest.approx(100 * (1 - 2 / 29))
        assert pytest.approx(0.0690, abs=1e-4) == 2 / 29

    def test_first_week_mean_seed(self) -> None:
        series = load.compute_ewma([70.0] + [0.0] * 6, 7, seed=EwmaSeed.FIRST_WEEK_MEAN)
        assert series[0] == pytest.approx(0.25 * 70 + 0.75 * 10)

    def test_empty_series(self) -> None:
        assert load.compute_ewma([], 7) == ()

    @pytest.mark.parametrize("span", [0, -7])
    def test_rejects_bad_span(self, span: int) -> None:
        with pytest.raises(DomainInputError):
            load.compute_ewma([1.0], span)


class TestAcwr:
    @pytest.mark.parametrize(
        ("method", "ratio", "chronic"),
        [
            (AcwrMethod.ROLLING_COUPLED, 1.6, 125.0),
            (AcwrMethod.ROLLING_UNCOUPLED, 2.0, 100.0),
        ],
    )
    def test_rolling_coupled_and_uncoupled(
        self, method: AcwrMethod, ratio: float, chronic: float
    ) -> None:
        result = load.compute_acwr(RAMP, method=method)
        assert (result.status, result.acute) == (BaselineStatus.READY, 200.0)
        assert result.ratio == pytest.approx(ratio)
        assert result.chronic == pytest.approx(chronic)

    def test_coupled_equals_weekly_sum_over_quarter_of_28_day_sum(self) -> None:
        result = load.compute_acwr(RAMP, method=AcwrMethod.ROLLING_COUPLED)
        assert result.ratio == pytest.approx(sum(RAMP[-7:]) / (sum(RAMP) / 4))

    @pytest.mark.parametrize("method", list(AcwrMethod))
    def test_steady_load_gives_one(self, method: AcwrMethod) -> None:
        assert load.compute_acwr([250.0] * 42, method=method).ratio == pytest.approx(
            1.0
        )

    def test_uncoupled_ewma_uses_chronic_of_seven_days_before(self) -> None:
        loads = [100.0] * 35 + [300.0] * 7
        acute = load.compute_ewma(loads, 7)[-1]
        chronic_week_ago = load.compute_ewma(loads, 28)[-8]
        result = load.compute_acwr(loads, method=AcwrMethod.EWMA_UNCOUPLED)
        assert result.ratio == pytest.approx(acute / chronic_week_ago)
        coupled = load.compute_acwr(loads, method=AcwrMethod.EWMA)
        assert coupled.ratio is not None
        assert result.ratio is not None
        assert result.ratio > coupled.ratio

    @pytest.mark.parametrize(
        ("days", "minimum", "status"),
        [(27, 28, BaselineStatus.BUILDING_BASELINE), (28, 28, BaselineStatus.READY),
         (41, 42, BaselineStatus.BUILDING_BASELINE), (42, 42, BaselineStatus.READY),
         (0, 28, BaselineStatus.BUILDING_BASELINE)],
    )  # fmt: skip
    def test_needs_28_days_of_history(
        self, days: int, minimum: int, status: BaselineStatus
    ) -> None:
        result = load.compute_acwr([100.0] * days, min_history_days=minimum)
        assert result.status is status
        assert (result.ratio is None) is (status is not BaselineStatus.READY)

    def test_zero_chronic_reports_return_to_training(self) -> None:
        result = load.compute_acwr([0.0] * 21 + [300.0] * 7)
        assert (result.status, result.ratio) == (
            BaselineStatus.RETURN_TO_TRAINING,
            None,
        )

    def test_weekday_oscillation_of_the_daily_ewma_ratio(self) -> None:
        """§2.2: a steady Mon/Wed/Fri/Sat week swings the daily EWMA ratio (~0.85-1.13
        in the doc) while the weekly uncoupled ratio stays at 1."""
        loads = STEADY_WEEK * 10
        days = range(len(loads) - 6, len(loads) + 1)
        daily = [
            load.compute_acwr(loads[:n], method=AcwrMethod.EWMA).ratio for n in days
        ]
        weekly = [load.compute_acwr(loads[:n]).ratio for n in days]
        assert all(r is not None for r in daily)
        values = [r for r in daily if r is not None]
        assert 0.80 < min(values) < 0.90
        assert 1.10 < max(values) < 1.20
        assert weekly == [pytest.approx(1.0)] * 7

    def test_seeding_changes_the_early_ewma_ratio(self) -> None:
        loads = STEADY_WEEK * 4
        first_day = load.compute_acwr(loads, method=AcwrMethod.EWMA)
        week_mean = load.compute_acwr(
            loads, method=AcwrMethod.EWMA, seed=EwmaSeed.FIRST_WEEK_MEAN
        )
        assert first_day.ratio == pytest.approx(0.841, abs=0.001)
        assert week_mean.ratio == pytest.approx(0.927, abs=0.001)

    @pytest.mark.parametrize("bad", [[-1.0] * 28, [math.nan] * 28])
    def test_rejects_bad_loads(self, bad: list[float]) -> None:
        with pytest.raises(DomainInputError):
            load.compute_acwr(bad)


class TestMonotony:
    @pytest.mark.parametrize(
        ("stdev", "monotony", "strain"),
        [
            (StdevKind.SAMPLE, 1.069045, 427.618),
            (StdevKind.POPULATION, 1.154701, 461.880),
        ],
    )
    def test_mean_over_sd_and_strain(
        self, stdev: StdevKind, monotony: float, strain: float
    ) -> None:
        result = load.compute_monotony([100.0, 0, 100, 0, 100, 100, 0], stdev=stdev)
        assert result.weekly_load == 400.0
        assert result.monotony == pytest.approx(monotony, abs=1e-6)
        assert result.strain == pytest.approx(strain, abs=1e-3)

    def test_sample_sd_is_the_default(self) -> None:
        assert load.compute_monotony(STEADY_WEEK).monotony == pytest.approx(
            load.compute_monotony(STEADY_WEEK, stdev=StdevKind.SAMPLE).monotony
        )

    @pytest.mark.parametrize("week", [[0.0] * 7, [200.0] * 7])
    def test_zero_sd_is_undefined(self, week: list[float]) -> None:
        result = load.compute_monotony(week)
        assert (result.monotony, result.strain) == (None, None)

    @pytest.mark.parametrize("week", [[100.0] * 6, [100.0] * 8, [-1.0] + [1.0] * 6])
    def test_rejects_bad_weeks(self, week: list[float]) -> None:
        with pytest.raises(DomainInputError):
            load.compute_monotony(week)

    def test_strain_p90(self) -> None:
        assert load.compute_strain_p90(
            [float(i) for i in range(1, 13)]
        ) == pytest.approx(10.9)
        assert load.compute_strain_p90([5.0]) is None


@pytest.mark.parametrize(
    ("this_week", "last_week", "change"),
    [(130.0, 100.0, 30.0), (150.0, 100.0, 50.0), (2400.0, 1500.0, 60.0), (50.0, 100.0, -50.0), (10.0, 0.0, None)],
)  # fmt: skip
def test_week_over_week_change(
    this_week: float, last_week: float, change: float | None
) -> None:
    assert load.compute_week_over_week_change(this_week, last_week) == change


@pytest.mark.parametrize(
    ("session", "previous", "spike"),
    [(110.0, [100.0, 80.0], 10.0), (130.0, [100.0], 30.0), (250.0, [100.0], 150.0),
     (90.0, [100.0], -10.0), (10.0, [], None), (10.0, [0.0], None)],
)  # fmt: skip
def test_session_spike_against_longest_of_30_days(
    session: float, previous: list[float], spike: float | None
) -> None:
    assert load.compute_session_spike(session, previous) == spike
