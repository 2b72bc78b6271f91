"""Churn points model, explanation and alert rules: doc §4.3, §4.4."""

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain import churn
from app.domain.churn import (
    CheckIn,
    ChurnFactor,
    ChurnFeatures,
    ChurnLevel,
    ContractKind,
    Suppression,
    TrendBaseline,
)
from app.domain.errors import DomainInputError

TODAY = date(2026, 3, 31)
# Visits from 3 days ahead (ignored) to 90 days back, some of them classes.
CHECK_INS = st.builds(
    CheckIn,
    st.integers(min_value=-3, max_value=90).map(lambda d: TODAY - timedelta(days=d)),
    st.booleans(),
)
LOYAL = ChurnFeatures(
    days_since_last_visit=2,
    has_visited=True,
    visits_last_28_days=10,
    trend_baseline_visits=10.0,
    tenure_months=24,
    class_visits=5,
    contract=ContractKind.FIXED_TERM,
)


def points_of(features: ChurnFeatures, factor: ChurnFactor) -> int:
    risk = churn.score_churn_risk(features)
    return next(p.points for p in risk.points if p.factor is factor)


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 0), (7, 0), (8, 15), (14, 15), (15, 30), (21, 30), (22, 40), (90, 40)],
)
def test_recency_points(days: int, points: int) -> None:
    features = replace(LOYAL, days_since_last_visit=days)
    assert points_of(features, ChurnFactor.RECENCY) == points


@pytest.mark.parametrize(
    ("visits", "points"), [(12, 0), (8, 0), (7, 10), (4, 10), (3, 20), (0, 20)]
)
def test_frequency_points(visits: int, points: int) -> None:
    features = replace(LOYAL, visits_last_28_days=visits, trend_baseline_visits=0.0)
    assert points_of(features, ChurnFactor.FREQUENCY) == points


@pytest.mark.parametrize(
    ("recent", "before", "points"),
    [(10, 10.0, 0), (3, 4.0, 0), (7, 10.0, 10), (5, 10.0, 10), (4, 10.0, 20),
     (0, 10.0, 20), (5, 0.0, 0)],
)  # fmt: skip
def test_trend_points(recent: int, before: float, points: int) -> None:
    features = replace(LOYAL, visits_last_28_days=recent, trend_baseline_visits=before)
    assert points_of(features, ChurnFactor.TREND) == points


@pytest.mark.parametrize(
    ("factor", "changes", "points"),
    [
        (ChurnFactor.TENURE, {"tenure_months": 5}, 10),
        (ChurnFactor.TENURE, {"tenure_months": 6}, 0),
        (ChurnFactor.SOCIAL, {"class_visits": 0}, 5),
        (ChurnFactor.SOCIAL, {"class_visits": 1}, 0),
        (ChurnFactor.CONTRACT, {"contract": ContractKind.MONTH_TO_MONTH}, 5),
        (ChurnFactor.CONTRACT, {"contract": ContractKind.FIXED_TERM}, 0),
    ],
)
def test_tenure_social_and_contract_points(
    factor: ChurnFactor, changes: dict[str, object], points: int
) -> None:
    assert points_of(replace(LOYAL, **changes), factor) == points  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "score", "level"),
    [
        ({}, 0, ChurnLevel.LOW),
        ({"days_since_last_visit": 15}, 30, ChurnLevel.LOW),
        ({"days_since_last_visit": 15, "class_visits": 0}, 35, ChurnLevel.MEDIUM),
        ({"days_since_last_visit": 22, "visits_last_28_days": 4, "trend_baseline_visits": 4.0,
          "class_visits": 0}, 55, ChurnLevel.MEDIUM),
        ({"days_since_last_visit": 22, "visits_last_28_days": 3}, 80, ChurnLevel.HIGH),
        ({"days_since_last_visit": 15, "visits_last_28_days": 3, "trend_baseline_visits": 4.0,
          "class_visits": 0, "contract": ContractKind.MONTH_TO_MONTH}, 60, ChurnLevel.HIGH),
    ],
)  # fmt: skip
def test_score_and_bands(
    changes: dict[str, object], score: int, level: ChurnLevel
) -> None:
    risk = churn.score_churn_risk(replace(LOYAL, **changes))  # type: ignore[arg-type]
    assert (risk.score, risk.level) == (score, level)


def test_maximum_score_is_100() -> None:
    worst = ChurnFeatures(30, True, 0, 10.0, 1, 0, ContractKind.MONTH_TO_MONTH)
    assert churn.score_churn_risk(worst).score == 100


def test_doc_owner_alert_drivers() -> None:
    """§4.4: 12 days since last visit; 3 visits vs 10 before; joined 2 months ago."""
    features = ChurnFeatures(12, True, 3, 10.0, 2, 0, ContractKind.FIXED_TERM)
    risk = churn.score_churn_risk(features)
    assert (risk.score, risk.level) == (70, ChurnLevel.HIGH)
    reasons = {p.factor: p.reason for p in risk.points}
    assert reasons == {
        ChurnFactor.RECENCY: "12 days since last visit",
        ChurnFactor.FREQUENCY: "3 visits in the last 4 weeks",
        ChurnFactor.TREND: "3 visits in the last 4 weeks vs 10 before",
        ChurnFactor.TENURE: "Joined 2 months ago",
        ChurnFactor.SOCIAL: "Never booked a class",
        ChurnFactor.CONTRACT: "Fixed-term contract",
    }
    assert [p.factor for p in risk.drivers] == [
        ChurnFactor.FREQUENCY,
        ChurnFactor.TREND,
        ChurnFactor.RECENCY,
    ]


class TestBuildFeatures:
    def visits(self, days_ago: list[int], *, classes: int = 0) -> list[CheckIn]:
        return [
            CheckIn(TODAY - timedelta(days=d), is_class=i < classes)
            for i, d in enumerate(days_ago)
        ]

    def test_counts_windows_from_check_ins(self) -> None:
        check_ins = self.visits([12, 20, 27, 28, 30, 40, 55, 56, -1], classes=1)
        features = churn.build_churn_features(
            check_ins, TODAY, date(2026, 1, 20), ContractKind.MONTH_TO_MONTH
        )
        assert features.days_since_last_visit == 12  # the future check-in is ignored
        assert features.visits_last_28_days == 3  # 12, 20, 27 days ago
        assert features.trend_baseline_visits == 4.0  # 28, 30, 40, 55 days ago
        assert (features.tenure_months, features.class_visits) == (2, 1)

    def test_member_who_never_visited_counts_from_joining(self) -> None:
        features = churn.build_churn_features(
            [], TODAY, TODAY - timedelta(days=5), ContractKind.FIXED_TERM
        )
        risk = churn.score_churn_risk(features)
        recency = risk.points[0]
        assert (recency.points, recency.reason) == (
            0,
            "No visit yet, joined 5 days ago",
        )

    def test_twelve_week_median_baseline(self) -> None:
        # two visits a week for 12 weeks, none in the last 2 weeks
        days_ago = [7 * week + offset for week in range(2, 12) for offset in (1, 4)]
        features = churn.build_churn_features(
            self.visits(days_ago), TODAY, date(2025, 1, 1), ContractKind.FIXED_TERM,
            trend_baseline=TrendBaseline.TWELVE_WEEK_MEDIAN,
        )  # fmt: skip
        assert features.trend_baseline_visits == 8.0  # 4 x weekly median of 2

    @pytest.mark.parametrize(
        ("start", "end", "months"),
        [(date(2026, 1, 15), date(2026, 7, 15), 6), (date(2026, 1, 15), date(2026, 7, 14), 5),
         (date(2026, 1, 31), date(2026, 2, 28), 0), (date(2025, 12, 1), date(2026, 1, 1), 1),
         (date(2026, 3, 31), date(2026, 3, 31), 0)],
    )  # fmt: skip
    def test_count_full_months(self, start: date, end: date, months: int) -> None:
        assert churn.count_full_months(start, end) == months

    def test_rejects_joining_after_today(self) -> None:
        with pytest.raises(DomainInputError):
            churn.build_churn_features(
                [], TODAY, TODAY + timedelta(days=1), ContractKind.FIXED_TERM
            )


HIGH_RISK = churn.score_churn_risk(
    ChurnFeatures(30, True, 0, 10.0, 1, 0, ContractKind.MONTH_TO_MONTH)
)
MEDIUM_RISK = churn.score_churn_risk(
    replace(LOYAL, days_since_last_visit=15, class_visits=0)
)
LOW_RISK = churn.score_churn_risk(LOYAL)


@pytest.mark.parametrize(
    ("risk", "last_sent", "send"),
    [
        (LOW_RISK, None, False),
        (MEDIUM_RISK, None, True),
        (MEDIUM_RISK, (TODAY - timedelta(days=13), ChurnLevel.MEDIUM), False),
        (MEDIUM_RISK, (TODAY - timedelta(days=14), ChurnLevel.MEDIUM), True),
        (HIGH_RISK, (TODAY - timedelta(days=3), ChurnLevel.MEDIUM), True),
        (MEDIUM_RISK, (TODAY - timedelta(days=3), ChurnLevel.HIGH), False),
    ],
)
def test_realert_after_14_days_or_when_band_worsens(
    risk: churn.ChurnRisk, last_sent: tuple[date, ChurnLevel] | None, send: bool
) -> None:
    assert churn.should_send_churn_alert(risk, TODAY, last_sent) is send


@pytest.mark.parametrize("suppression", list(Suppression))
def test_suppressed_members_are_never_alerted(suppression: Suppression) -> None:
    features = ChurnFeatures(
        30, True, 0, 10.0, 1, 0, ContractKind.MONTH_TO_MONTH, frozenset({suppression})
    )
    risk = churn.score_churn_risk(features)
    assert (risk.level, risk.suppressions) == (ChurnLevel.HIGH, (suppression,))
    assert churn.should_send_churn_alert(risk, TODAY) is False


class TestLogisticModel:
    @pytest.mark.parametrize(
        ("intercept", "weights", "features", "probability"),
        [
            (0.0, {}, {}, 0.5),
            (math.log(3), {}, {}, 0.75),
            (-1.0, {"visits": -0.2, "month_to_month": 0.8}, {"visits": 5.0, "month_to_month": 1.0}, 1 / (1 + math.e**1.2)),
            (-1000.0, {}, {}, 0.0),
            (1000.0, {}, {}, 1.0),
        ],
    )  # fmt: skip
    def test_probability(
        self,
        intercept: float,
        weights: dict[str, float],
        features: dict[str, float],
        probability: float,
    ) -> None:
        estimate = churn.estimate_churn_probability(intercept, weights, features)
        assert estimate.probability == pytest.approx(probability)

    def test_contributions_are_beta_times_x_largest_first(self) -> None:
        estimate = churn.estimate_churn_probability(
            0.0,
            {"visits": -0.2, "month_to_month": 0.8},
            {"visits": 10.0, "month_to_month": 1.0},
        )
        names = [name for name, _ in estimate.contributions]
        assert names == ["visits", "month_to_month"]
        values = [value for _, value in estimate.contributions]
        assert values == pytest.approx([-2.0, 0.8])

    @pytest.mark.parametrize(
        ("weights", "features"),
        [
            ({"a": 1.0}, {}),
            ({"a": math.nan}, {"a": 1.0}),
            ({"a": 1.0}, {"a": math.inf}),
        ],
    )
    def test_rejects_bad_input(
        self, weights: dict[str, float], features: dict[str, float]
    ) -> None:
        with pytest.raises(DomainInputError):
            churn.estimate_churn_probability(0.0, weights, features)


@pytest.mark.parametrize(
    "changes",
    [{"days_since_last_visit": -1}, {"visits_last_28_days": -1}, {"tenure_months": -2},
     {"class_visits": -1}, {"trend_baseline_visits": math.nan}],
)  # fmt: skip
def test_rejects_bad_features(changes: dict[str, object]) -> None:
    with pytest.raises(DomainInputError):
        churn.score_churn_risk(replace(LOYAL, **changes))  # type: ignore[arg-type]


class TestVisitSummary:
    """The summary path the scan takes gives the same features as check-ins."""

    def test_summarizes_windows_last_visit_and_classes(self) -> None:
        days = [12, 20, 27, 28, 30, 40, 55, 56, -1]
        check_ins = [
            CheckIn(TODAY - timedelta(days=d), is_class=d in (27, 56, -1)) for d in days
        ]
        summary = churn.summarize_visits(check_ins, TODAY)
        assert summary == churn.VisitSummary(
            last_visit=TODAY - timedelta(days=12),
            visits_last_28_days=3,  # 12, 20, 27 days ago
            visits_previous_28_days=4,  # 28, 30, 40, 55 days ago
            class_visits=2,  # 27 and 56 days ago; the future one is ignored
        )

    def test_no_visits(self) -> None:
        assert churn.summarize_visits([], TODAY) == churn.VisitSummary(None, 0, 0, 0)

    @given(
        check_ins=st.lists(CHECK_INS, max_size=30),
        joined_days_ago=st.integers(min_value=0, max_value=900),
        contract=st.sampled_from(ContractKind),
    )
    @example(check_ins=[], joined_days_ago=0, contract=ContractKind.MONTH_TO_MONTH)
    # Visits on each window edge (today, 27/28 and 55/56 days ago), and one
    # in the future, which must be ignored.
    @example(
        check_ins=[
            CheckIn(TODAY - timedelta(days=d), is_class=d % 2 == 0)
            for d in (0, 27, 28, 55, 56, -1)
        ],
        joined_days_ago=28,
        contract=ContractKind.MONTH_TO_MONTH,
    )
    def test_features_from_summary_equal_features_from_check_ins(
        self, check_ins: list[CheckIn], joined_days_ago: int, contract: ContractKind
    ) -> None:
        joined = TODAY - timedelta(days=joined_days_ago)
        summary = churn.summarize_visits(check_ins, TODAY)
        assert churn.features_from_summary(
            summary, TODAY, joined, contract
        ) == churn.build_churn_features(check_ins, TODAY, joined, contract)


BOUNDARY_CASES = [
    ("UTC", date(2026, 3, 31), datetime(2026, 3, 31, tzinfo=UTC)),
    ("Asia/Kolkata", date(2026, 3, 31), datetime(2026, 3, 30, 18, 30, tzinfo=UTC)),
    ("Pacific/Kiritimati", date(2026, 3, 31), datetime(2026, 3, 30, 10, tzinfo=UTC)),
    ("Pacific/Pago_Pago", date(2026, 3, 31), datetime(2026, 3, 31, 11, tzinfo=UTC)),
    # Chile: clocks jump from 00:00 to 01:00, so the day starts at 01:00 -03
    ("America/Santiago", date(2024, 9, 8), datetime(2024, 9, 8, 4, tzinfo=UTC)),
    # Chile: 24:00 -03 back to 23:00 -04 the day before; the day starts at 00:00 -04
    ("America/Santiago", date(2024, 4, 7), datetime(2024, 4, 7, 4, tzinfo=UTC)),
    ("Europe/London", date(2026, 3, 29), datetime(2026, 3, 29, tzinfo=UTC)),
    ("Europe/London", date(2026, 3, 30), datetime(2026, 3, 29, 23, tzinfo=UTC)),
    # Samoa skipped 30 December 2011: the first instant on or after it is 31 Dec
    ("Pacific/Apia", date(2011, 12, 30), datetime(2011, 12, 30, 10, tzinfo=UTC)),
]


class TestVisitWindowStarts:
    @pytest.mark.parametrize(("tz", "day", "start"), BOUNDARY_CASES)
    def test_first_instant_of_a_local_day(
        self, tz: str, day: date, start: datetime
    ) -> None:
        first = churn.first_instant_of(day, tz)
        assert first == start
        zone = ZoneInfo(tz)
        assert first.astimezone(zone).date() >= day
        assert (first - timedelta(microseconds=1)).astimezone(zone).date() < day

    def test_window_starts_are_the_member_local_days(self) -> None:
        starts = churn.visit_window_starts(TODAY, "Asia/Kolkata")
        assert starts == churn.VisitWindowStarts(
            previous_from=datetime(2026, 2, 3, 18, 30, tzinfo=UTC),  # local 4 Feb
            recent_from=datetime(2026, 3, 3, 18, 30, tzinfo=UTC),  # local 4 Mar
            after_today=datetime(2026, 3, 31, 18, 30, tzinfo=UTC),  # local 1 Apr
        )

    def test_rejects_an_unknown_time_zone(self) -> None:
        with pytest.raises(DomainInputError):
            churn.visit_window_starts(TODAY, "Mars/Olympus")
