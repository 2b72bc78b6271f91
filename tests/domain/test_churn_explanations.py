"""Owner churn alerts (§4.4) and the logistic probability vs the base rate (§4.3)."""

from dataclasses import replace
from datetime import date

import pytest

from app.domain import churn
from app.domain.churn import ChurnFeatures, ContractKind, Suppression
from app.domain.churn_explanations import (
    ChurnPlay,
    choose_play,
    describe_churn_probability,
    explain_churn_alert,
)
from app.domain.errors import DomainInputError

# The doc's example drivers: "12 days since last visit; 3 visits in the last 4
# weeks vs 10 before; joined 2 months ago; never booked a class"
DRIFTING_NEWCOMER = ChurnFeatures(
    days_since_last_visit=12,
    has_visited=True,
    visits_last_28_days=3,
    trend_baseline_visits=10.0,
    tenure_months=2,
    class_visits=0,
    contract=ContractKind.MONTH_TO_MONTH,
)
LOYAL = ChurnFeatures(2, True, 10, 10.0, 24, 5, ContractKind.FIXED_TERM)


def notes(features: ChurnFeatures, **kw: date) -> dict[str, str]:
    risk = churn.score_churn_risk(features)
    return {n.code: n.text for n in explain_churn_alert(risk, features, **kw)}


def test_owner_alert_has_drivers_context_play_and_message() -> None:
    found = notes(DRIFTING_NEWCOMER, renewal_on=date(2026, 4, 30))
    # 15 + 20 + 20 + 10 + 5 + 5 = 75: high; the top 3 drivers in words
    assert found["summary"] == (
        "high churn risk, 75 of 100: 3 visits in the last 4 weeks; 3 visits in the "
        "last 4 weeks vs 10 before; 12 days since last visit."
    )
    assert found["context"] == (
        "Member for 2 months; month-to-month contract; renews on 2026-04-30."
    )
    assert found["play"] == "New member: book an induction or a PT check-in."
    assert "{name}" in found["message"]


@pytest.mark.parametrize(
    ("tenure_months", "play"),
    [(5, ChurnPlay.INDUCTION), (6, ChurnPlay.CLASS_WITH_BUDDY)],  # < 6 months: new
)
def test_new_member_play_until_six_months(tenure_months: int, play: ChurnPlay) -> None:
    features = replace(DRIFTING_NEWCOMER, tenure_months=tenure_months)
    assert choose_play(churn.score_churn_risk(features)) is play


def test_class_play_when_never_booked_is_the_only_driver_left() -> None:
    features = replace(LOYAL, class_visits=0)
    assert choose_play(churn.score_churn_risk(features)) is ChurnPlay.GROUP_CLASS


def test_contract_play_and_no_play_without_drivers() -> None:
    monthly = replace(LOYAL, contract=ContractKind.MONTH_TO_MONTH)
    assert choose_play(churn.score_churn_risk(monthly)) is ChurnPlay.FIXED_TERM_OFFER
    assert choose_play(churn.score_churn_risk(LOYAL)) is None
    assert "play" not in notes(LOYAL)


def test_suppression_reason_is_named() -> None:
    features = replace(
        DRIFTING_NEWCOMER, suppressions=frozenset({Suppression.INJURY_NOTE})
    )
    assert notes(features)["suppressed"] == "Not alerted while set: injury note."


class TestBaseRate:
    def test_probability_is_also_a_multiple_of_the_base_rate(self) -> None:
        estimate = churn.estimate_churn_probability(0.0, {}, {})  # p = 0.5
        assert estimate.times_base_rate == pytest.approx(0.5 / 0.0336)
        gym = churn.estimate_churn_probability(0.0, {}, {}, base_monthly_rate=0.05)
        assert gym.times_base_rate == pytest.approx(10.0)

    @pytest.mark.parametrize(("p", "times"), [(0.0336, 1.0), (0.168, 5.0), (0.0, 0.0)])
    def test_compare_with_base_rate(self, p: float, times: float) -> None:
        assert churn.compare_with_base_rate(p) == pytest.approx(times)

    @pytest.mark.parametrize("base", [0.0, -0.1, 1.5])
    def test_base_rate_must_be_a_rate(self, base: float) -> None:
        with pytest.raises(DomainInputError):
            churn.compare_with_base_rate(0.1, base)

    def test_wording(self) -> None:
        assert describe_churn_probability(0.168) == (
            "17 % chance of cancelling within 30 days, 5.0 times the base monthly "
            "rate (3.4 %)."
        )
