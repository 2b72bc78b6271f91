"""How much of a load alert's window is known (domain-methods §2.2, §2.6).

A day counts as 0 only when no session is known; a day with a sign of training
(a gym visit) but no logged session is *unknown*. The alert window is the 7
days ending today ("N of 7 days logged"); the reference is up to 21 days before
it (what the weekly ratio and last week's load compare against).

Trust, from the fewest known days [design]:

- full: at least 6 of 7 days known this week and at least 6/7 of the
  reference days known;
- downgraded (one level lower): 4-5 of 7 this week, or at least 4/7 of the
  reference;
- withheld (informational only): 3 or fewer of 7, or under 4/7 of the
  reference.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .load import ACUTE_DAYS, DailyLoadSeries

REFERENCE_DAYS = 21
FULL_WEEK_KNOWN = 6
MIN_WEEK_KNOWN = 4
FULL_REFERENCE_SHARE = 6 / 7
MIN_REFERENCE_SHARE = 4 / 7


class Trust(StrEnum):
    """How far the data supports an alert's level."""

    FULL = "full"
    DOWNGRADED = "downgraded"
    WITHHELD = "withheld"


@dataclass(frozen=True, slots=True)
class Completeness:
    """Known and unknown days of the alert week and of its reference days."""

    week_days: int
    unknown_days: tuple[date, ...]
    imputed_days: tuple[date, ...]
    reference_days: int
    reference_unknown: int

    @property
    def week_known(self) -> int:
        return self.week_days - len(self.unknown_days)

    @property
    def reference_known(self) -> int:
        return self.reference_days - self.reference_unknown

    @property
    def trust(self) -> Trust:
        share = (
            self.reference_known / self.reference_days if self.reference_days else 1.0
        )
        week = self.week_known + ACUTE_DAYS - self.week_days  # short history: no gap
        if week < MIN_WEEK_KNOWN or share < MIN_REFERENCE_SHARE:
            return Trust.WITHHELD
        if week < FULL_WEEK_KNOWN or share < FULL_REFERENCE_SHARE:
            return Trust.DOWNGRADED
        return Trust.FULL


def assess_completeness(series: DailyLoadSeries) -> Completeness:
    """Completeness of the 7 days ending with the series' last day."""
    days = len(series.loads)
    week_first = days - min(days, ACUTE_DAYS)
    reference_first = max(0, week_first - REFERENCE_DAYS)

    def index(day: date) -> int:
        return (day - series.first_day).days

    week_unknown = tuple(d for d in series.unknown_days if index(d) >= week_first)
    reference_unknown = sum(
        reference_first <= index(d) < week_first for d in series.unknown_days
    )
    imputed = tuple(d for d in series.imputed_days if index(d) >= week_first)
    return Completeness(
        week_days=days - week_first,
        unknown_days=week_unknown,
        imputed_days=imputed,
        reference_days=week_first - reference_first,
        reference_unknown=reference_unknown,
    )


def format_day(day: date) -> str:
    """'Sun 6 Dec' (no zero padding, locale-independent)."""
    return f"{day:%a} {day.day} {day:%b}"


def describe_completeness(completeness: Completeness) -> str:
    """'5 of 7 days logged; no session logged on Mon 1 Dec, ... despite a gym
    visit; RPE missing for Sun 6 Dec (member's median used); 20 of 21 earlier
    days logged.'"""
    c = completeness
    parts = [f"{c.week_known} of {c.week_days} days logged"]
    if c.unknown_days:
        days = ", ".join(format_day(d) for d in c.unknown_days)
        parts.append(f"no session logged on {days} despite a gym visit")
    if c.imputed_days:
        days = ", ".join(format_day(d) for d in c.imputed_days)
        parts.append(f"RPE missing for {days} (member's median used)")
    if c.reference_days:
        parts.append(f"{c.reference_known} of {c.reference_days} earlier days logged")
    return "; ".join(parts) + "."
