"""Rowing power, running conversions, age grade and cohort percentile: doc §1.6."""

import math

import pytest

from app.domain import endurance
from app.domain.endurance import AgeGradeBand
from app.domain.errors import DomainInputError


def test_doc_2k_row_in_seven_minutes() -> None:
    pace = endurance.compute_rowing_pace(420.0, 2000.0)
    assert pace == pytest.approx(105.0)  # 1:45.0 / 500 m
    assert endurance.compute_rowing_watts(pace) == pytest.approx(302, abs=0.5)


@pytest.mark.parametrize(
    ("pace", "watts"), [(105.0, 302.343), (120.0, 202.546), (500.0, 2.8)]
)
def test_concept2_cubic_pace_power(pace: float, watts: float) -> None:
    assert endurance.compute_rowing_watts(pace) == pytest.approx(watts, abs=0.001)


def test_running_pace_per_km() -> None:
    assert endurance.compute_running_pace(1500.0, 5000.0) == pytest.approx(300.0)


@pytest.mark.parametrize(
    ("time", "distance", "target", "exponent", "expected"),
    [
        (1200.0, 5000.0, 10000.0, 1.06, 2501.918),
        (1200.0, 5000.0, 5000.0, 1.06, 1200.0),
        (1200.0, 5000.0, 10000.0, 1.0, 2400.0),
        (2501.918, 10000.0, 5000.0, 1.06, 1200.0),
    ],
)
def test_riegel_prediction(
    time: float, distance: float, target: float, exponent: float, expected: float
) -> None:
    predicted = endurance.predict_riegel_time(time, distance, target, exponent=exponent)
    assert predicted == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (100.0, AgeGradeBand.WORLD_RECORD),
        (99.9, AgeGradeBand.WORLD_CLASS),
        (90.01, AgeGradeBand.WORLD_CLASS),
        (90.0, AgeGradeBand.NATIONAL),
        (80.0, AgeGradeBand.REGIONAL),
        (70.5, AgeGradeBand.REGIONAL),
        (60.5, AgeGradeBand.LOCAL),
        (60.0, AgeGradeBand.BELOW_LOCAL),
        (0.0, AgeGradeBand.BELOW_LOCAL),
    ],
)
def test_age_grade_bands(percent: float, band: AgeGradeBand) -> None:
    assert endurance.classify_age_grade(percent) is band


@pytest.mark.parametrize(("age", "band"), [(34, 30), (40, 40), (39, 30), (9, 0)])
def test_ten_year_age_band(age: int, band: int) -> None:
    assert endurance.compute_age_band(age) == band


class TestCohortPercentile:
    COHORT = [float(t) for t in range(1, 21)]  # 20 times, 1 s ... 20 s

    @pytest.mark.parametrize(
        ("value", "lower_is_better", "expected"),
        [
            (5.0, True, (15 + 0.5) / 20 * 100),  # 15 slower, 1 equal
            (1.0, True, 97.5),
            (20.0, True, 2.5),
            (5.0, False, (4 + 0.5) / 20 * 100),  # e.g. watts: higher is better
        ],
    )
    def test_share_worse_plus_half_share_equal(
        self, value: float, lower_is_better: bool, expected: float
    ) -> None:
        percentile = endurance.compute_cohort_percentile(
            value, self.COHORT, lower_is_better=lower_is_better
        )
        assert percentile == pytest.approx(expected)

    def test_ties_share_the_middle(self) -> None:
        assert endurance.compute_cohort_percentile(7.0, [7.0] * 20) == 50.0

    @pytest.mark.parametrize(("size", "shown"), [(19, False), (20, True)])
    def test_needs_at_least_20_people(self, size: int, shown: bool) -> None:
        percentile = endurance.compute_cohort_percentile(1.0, self.COHORT[:size])
        assert (percentile is not None) is shown


@pytest.mark.parametrize(
    "call",
    [
        lambda: endurance.compute_rowing_pace(0.0, 2000.0),
        lambda: endurance.compute_rowing_pace(420.0, -2000.0),
        lambda: endurance.compute_rowing_watts(math.nan),
        lambda: endurance.compute_running_pace(1500.0, 0.0),
        lambda: endurance.predict_riegel_time(1200.0, 5000.0, math.inf),
        lambda: endurance.classify_age_grade(-1.0),
        lambda: endurance.compute_age_band(-1),
        lambda: endurance.compute_cohort_percentile(math.nan, [1.0] * 20),
        lambda: endurance.compute_cohort_percentile(1.0, [math.nan] * 20),
    ],
)
def test_rejects_bad_input(call: object) -> None:
    assert callable(call)
    with pytest.raises(DomainInputError):
        call()
