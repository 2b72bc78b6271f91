"""Completeness of a load alert's window: §2.2 'missing days', §2.6 wording."""

from datetime import date, timedelta

import pytest

from app.domain.load import DailyLoadSeries
from app.domain.load_alerts import AlertLevel, lower_for_trust
from app.domain.load_completeness import (
    Trust,
    assess_completeness,
    describe_completeness,
)

FIRST = date(2026, 11, 9)  # a Monday; 28 days end on Sun 6 Dec
L = AlertLevel


def series(
    unknown_days_ago: tuple[int, ...] = (),
    *,
    days: int = 28,
    imputed_days_ago: tuple[int, ...] = (),
) -> DailyLoadSeries:
    last = FIRST + timedelta(days=days - 1)
    unknown = tuple(sorted(last - timedelta(days=d) for d in unknown_days_ago))
    imputed = tuple(sorted(last - timedelta(days=d) for d in imputed_days_ago))
    return DailyLoadSeries(FIRST, (100.0,) * days, 5, 0, 0, unknown, imputed)


@pytest.mark.parametrize(
    ("unknown", "known", "trust"),
    [
        ((), 7, Trust.FULL),
        ((0,), 6, Trust.FULL),
        ((0, 1), 5, Trust.DOWNGRADED),
        ((0, 1, 2), 4, Trust.DOWNGRADED),
        ((0, 1, 2, 3), 3, Trust.WITHHELD),
    ],
)
def test_week_known_days_set_the_trust(
    unknown: tuple[int, ...], known: int, trust: Trust
) -> None:
    c = assess_completeness(series(unknown))
    assert (c.week_known, c.week_days, c.trust) == (known, 7, trust)


@pytest.mark.parametrize(
    ("gaps", "trust"),
    [(3, Trust.FULL), (4, Trust.DOWNGRADED), (9, Trust.DOWNGRADED),
     (10, Trust.WITHHELD)],
)  # fmt: skip
def test_reference_share_sets_the_trust(gaps: int, trust: Trust) -> None:
    c = assess_completeness(series(tuple(range(7, 7 + gaps))))
    assert (c.reference_known, c.reference_days) == (21 - gaps, 21)
    assert c.trust is trust


def test_days_before_the_reference_are_not_counted() -> None:
    c = assess_completeness(series((28,), days=35))  # before the 28-day window
    assert (c.reference_known, c.reference_days, c.trust) == (21, 21, Trust.FULL)


def test_short_history_counts_only_its_own_days() -> None:
    c = assess_completeness(series(days=3))
    assert (c.week_days, c.week_known, c.reference_days) == (3, 3, 0)
    assert c.trust is Trust.FULL
    assert describe_completeness(c) == "3 of 3 days logged."


def test_wording_names_unknown_and_imputed_days() -> None:
    c = assess_completeness(series((1,), imputed_days_ago=(0,)))
    assert describe_completeness(c) == (
        "6 of 7 days logged; no session logged on Sat 5 Dec despite a gym visit; "
        "RPE missing for Sun 6 Dec (member's median used); 21 of 21 earlier days "
        "logged."
    )


@pytest.mark.parametrize(
    ("level", "trust", "lowered"),
    [(L.HIGH, Trust.FULL, L.HIGH), (L.HIGH, Trust.DOWNGRADED, L.CAUTION),
     (L.CAUTION, Trust.DOWNGRADED, L.INFO), (L.INFO, Trust.DOWNGRADED, L.INFO),
     (L.HIGH, Trust.WITHHELD, L.INFO), (L.NONE, Trust.WITHHELD, L.NONE)],
)  # fmt: skip
def test_lower_for_trust(level: AlertLevel, trust: Trust, lowered: AlertLevel) -> None:
    assert lower_for_trust(level, trust) is lowered
