"""Churn risk points model and its explanation (domain-methods §4.3, §4.4).

Points: recency 0/15/30/40 for <= 7 / 8-14 / 15-21 / > 21 days since the last visit;
frequency 0/10/20 for >= 8 / 4-7 / < 4 visits in 28 days; trend 0/10/20 for a visit
ratio >= 0.75 / 0.5-0.75 / < 0.5; tenure under 6 months +10; no classes +5;
month-to-month +5. Bands: low < 35, medium 35-59, high >= 60. A logistic model can
replace the points once labelled cancellations exist (``estimate_churn_probability``).

The visit inputs reduce to a ``VisitSummary`` (last visit and three counts), so a
scan can count visits in the database: ``visit_window_starts`` turns the member-local
windows into UTC instants, which is exact because an instant's local date never goes
back as time goes on.
"""

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainInputError, require_count, require_finite

WINDOW_DAYS = 28
NEW_MEMBER_MONTHS = 6
MEDIUM_FROM = 35
HIGH_FROM = 60
REALERT_DAYS = 14
TOP_DRIVERS = 3
# IHRSA "One Million Strong" (Bedford 2015): 33.6 cancellations per 1,000
# members per month. Pass the gym's own rate once it is known.
IHRSA_MONTHLY_CANCEL_RATE = 0.0336


class ChurnFactor(StrEnum):
    RECENCY = "recency"
    FREQUENCY = "frequency"
    TREND = "trend"
    TENURE = "tenure"
    SOCIAL = "social"
    CONTRACT = "contract"


class ChurnLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_RANK = {level: rank for rank, level in enumerate(ChurnLevel)}


class ContractKind(StrEnum):
    MONTH_TO_MONTH = "month_to_month"
    FIXED_TERM = "fixed_term"


class Suppression(StrEnum):
    """Reasons never to alert on a member."""

    FREEZE = "freeze"
    INJURY_NOTE = "injury_note"
    HOLIDAY = "holiday"


class TrendBaseline(StrEnum):
    """Denominator of the trend: the 28 days before, or 4 x the 12-week weekly median."""

    PREVIOUS_28_DAYS = "previous_28_days"
    TWELVE_WEEK_MEDIAN = "twelve_week_median"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A visit on the member's local date; ``is_class`` for classes/group sessions."""

    day: date
    is_class: bool = False


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """What the points model needs from a member's visits up to ``today``.

    ``last_visit`` is the latest visit day; the counts cover the 28 days ending
    today, the 28 days before those, and class visits among all the visits given.
    """

    last_visit: date | None
    visits_last_28_days: int
    visits_previous_28_days: int
    class_visits: int


@dataclass(frozen=True, slots=True)
class VisitWindowStarts:
    """UTC instants where the member-local windows of ``VisitSummary`` begin.

    A visit at ``t`` is in the previous window when ``previous_from <= t <
    recent_from``, in the recent one when ``recent_from <= t < after_today``, and
    after today (ignored) from ``after_today`` on.
    """

    previous_from: datetime
    recent_from: datetime
    after_today: datetime


@dataclass(frozen=True, slots=True)
class ChurnFeatures:
    """Inputs of the points model (build them with ``build_churn_features``)."""

    days_since_last_visit: int
    has_visited: bool
    visits_last_28_days: int
    trend_baseline_visits: float
    tenure_months: int
    class_visits: int
    contract: ContractKind
    suppressions: frozenset[Suppression] = frozenset()


@dataclass(frozen=True, slots=True)
class ChurnPoint:
    """Points one factor adds, with the reason in words."""

    factor: ChurnFactor
    points: int
    reason: str


@dataclass(frozen=True, slots=True)
class ChurnRisk:
    """Score 0-100, band, every factor's points, and any suppression."""

    score: int
    level: ChurnLevel
    points: tuple[ChurnPoint, ...]
    suppressions: tuple[Suppression, ...]

    @property
    def drivers(self) -> tuple[ChurnPoint, ...]:
        """The top 3 factors that added points, largest first."""
        scoring = sorted((p for p in self.points if p.points), key=lambda p: -p.points)
        return tuple(scoring[:TOP_DRIVERS])


@dataclass(frozen=True, slots=True)
class LogisticChurnEstimate:
    """P(cancel within 30 days), each feature's contribution beta_i * x_i, and
    the probability as a multiple of the base monthly cancellation rate."""

    probability: float
    contributions: tuple[tuple[str, float], ...]
    times_base_rate: float


def count_full_months(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end``."""
    if end < start:
        raise DomainInputError("end must not be before start")
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def window_first_days(today: date) -> tuple[date, date]:
    """First days of the previous and of the recent 28-day windows."""
    recent_from = today - timedelta(days=WINDOW_DAYS - 1)
    return recent_from - timedelta(days=WINDOW_DAYS), recent_from


def summarize_visits(check_ins: Iterable[CheckIn], today: date) -> VisitSummary:
    """Last visit and window counts of check-ins up to ``today`` (later ones ignored)."""
    previous_from, recent_from = window_first_days(today)
    last: date | None = None
    recent = previous = classes = 0
    for c in check_ins:
        if c.day > today:
            continue
        last = c.day if last is None else max(last, c.day)
        recent += c.day >= recent_from
        previous += previous_from <= c.day < recent_from
        classes += c.is_class
    return VisitSummary(last, recent, previous, classes)


def first_instant_of(day: date, tz: str) -> datetime:
    """The first UTC instant whose local date in ``tz`` is ``day`` or later.

    Exact to the second (offsets and transitions are whole seconds), also when a
    DST gap swallows local midnight; a bisection, since midnight may not exist.
    """
    zone = _zone(tz)
    utc_midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    # |UTC offset| < 1 day: the local date is before `day` at lo, not before at hi
    lo = int(utc_midnight.timestamp()) - 2 * 86_400
    hi = lo + 4 * 86_400
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).date() >= day:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def visit_window_starts(today: date, tz: str) -> VisitWindowStarts:
    """The windows of ``summarize_visits`` as UTC instants for a member in ``tz``."""
    previous_from, recent_from = window_first_days(today)
    return VisitWindowStarts(
        previous_from=first_instant_of(previous_from, tz),
        recent_from=first_instant_of(recent_from, tz),
        after_today=first_instant_of(today + timedelta(days=1), tz),
    )


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainInputError("tz must be an IANA time-zone name") from exc


def features_from_summary(
    summary: VisitSummary,
    today: date,
    joined_on: date,
    contract: ContractKind,
    *,
    suppressions: frozenset[Suppression] = frozenset(),
) -> ChurnFeatures:
    """Features with the previous 28 days as the trend baseline."""
    last = summary.last_visit
    return ChurnFeatures(
        days_since_last_visit=(today - (last or joined_on)).days,
        has_visited=last is not None,
        visits_last_28_days=summary.visits_last_28_days,
        trend_baseline_visits=float(summary.visits_previous_28_days),
        tenure_months=count_full_months(joined_on, today),
        class_visits=summary.class_visits,
        contract=contract,
        suppressions=suppressions,
    )


def build_churn_features(
    check_ins: Iterable[CheckIn],
    today: date,
    joined_on: date,
    contract: ContractKind,
    *,
    suppressions: frozenset[Suppression] = frozenset(),
    trend_baseline: TrendBaseline = TrendBaseline.PREVIOUS_28_DAYS,
) -> ChurnFeatures:
    """Features from check-ins up to ``today`` (later ones are ignored)."""
    visits = [c for c in check_ins if c.day <= today]
    features = features_from_summary(
        summarize_visits(visits, today),
        today,
        joined_on,
        contract,
        suppressions=suppressions,
    )
    if trend_baseline is TrendBaseline.PREVIOUS_28_DAYS:
        return features
    return replace(features, trend_baseline_visits=_twelve_week_median(visits, today))


def _twelve_week_median(visits: list[CheckIn], today: date) -> float:
    weekly = [0] * 12
    for c in visits:
        weeks_ago = (today - c.day).days // 7
        if weeks_ago < 12:
            weekly[weeks_ago] += 1
    return 4 * statistics.median(weekly)


def _score_recency(f: ChurnFeatures) -> ChurnPoint:
    days = require_count(f.days_since_last_visit, "days_since_last_visit")
    points = 0 if days <= 7 else 15 if days <= 14 else 30 if days <= 21 else 40
    text = f"{days} days since last visit" if f.has_visited else f"No visit yet, joined {days} days ago"  # fmt: skip
    return ChurnPoint(ChurnFactor.RECENCY, points, text)


def _score_frequency(f: ChurnFeatures) -> ChurnPoint:
    visits = require_count(f.visits_last_28_days, "visits_last_28_days")
    points = 0 if visits >= 8 else 10 if visits >= 4 else 20
    return ChurnPoint(
        ChurnFactor.FREQUENCY, points, f"{visits} visits in the last 4 weeks"
    )


def _score_trend(f: ChurnFeatures) -> ChurnPoint:
    before = require_finite(f.trend_baseline_visits, "trend_baseline_visits")
    recent = f.visits_last_28_days
    if before <= 0:
        return ChurnPoint(ChurnFactor.TREND, 0, "No earlier visits to compare with")
    ratio = recent / before
    points = 0 if ratio >= 0.75 else 10 if ratio >= 0.5 else 20
    text = f"{recent} visits in the last 4 weeks vs {before:g} before"
    return ChurnPoint(ChurnFactor.TREND, points, text)


def _score_tenure(f: ChurnFeatures) -> ChurnPoint:
    months = require_count(f.tenure_months, "tenure_months")
    points = 10 if months < NEW_MEMBER_MONTHS else 0
    unit = "month" if months == 1 else "months"
    return ChurnPoint(ChurnFactor.TENURE, points, f"Joined {months} {unit} ago")


def _score_social(f: ChurnFeatures) -> ChurnPoint:
    if require_count(f.class_visits, "class_visits") == 0:
        return ChurnPoint(ChurnFactor.SOCIAL, 5, "Never booked a class")
    return ChurnPoint(ChurnFactor.SOCIAL, 0, f"{f.class_visits} class visits")


def _score_contract(f: ChurnFeatures) -> ChurnPoint:
    if f.contract is ContractKind.MONTH_TO_MONTH:
        return ChurnPoint(ChurnFactor.CONTRACT, 5, "Month-to-month contract")
    return ChurnPoint(ChurnFactor.CONTRACT, 0, "Fixed-term contract")


def score_churn_risk(features: ChurnFeatures) -> ChurnRisk:
    """Points per factor, total 0-100 and band."""
    points = tuple(
        score(features)
        for score in (_score_recency, _score_frequency, _score_trend,
                      _score_tenure, _score_social, _score_contract)
    )  # fmt: skip
    total = sum(p.points for p in points)
    level = (
        ChurnLevel.HIGH if total >= HIGH_FROM
        else ChurnLevel.MEDIUM if total >= MEDIUM_FROM
        else ChurnLevel.LOW
    )  # fmt: skip
    return ChurnRisk(total, level, points, tuple(sorted(features.suppressions)))


def should_send_churn_alert(
    risk: ChurnRisk, today: date, last_sent: tuple[date, ChurnLevel] | None = None
) -> bool:
    """Medium/high and not suppressed; no repeat within 14 days unless the band worsens."""
    if risk.suppressions or risk.level is ChurnLevel.LOW:
        return False
    if last_sent is None:
        return True
    sent_on, sent_level = last_sent
    worsened = _RANK[risk.level] > _RANK[sent_level]
    return worsened or (today - sent_on).days >= REALERT_DAYS


def compare_with_base_rate(
    probability: float, base_monthly_rate: float = IHRSA_MONTHLY_CANCEL_RATE
) -> float:
    """How many times the base monthly cancellation rate ``probability`` is."""
    base = require_finite(base_monthly_rate, "base_monthly_rate")
    if not 0 < base <= 1 or not 0 <= require_finite(probability, "probability") <= 1:
        raise DomainInputError("rates must lie in (0, 1]")
    return probability / base


def estimate_churn_probability(
    intercept: float,
    weights: Mapping[str, float],
    features: Mapping[str, float],
    *,
    base_monthly_rate: float = IHRSA_MONTHLY_CANCEL_RATE,
) -> LogisticChurnEstimate:
    """Logistic model: ``p = 1 / (1 + e^-(b0 + sum b_i x_i))``, largest terms
    first, and ``p`` relative to the gym's base monthly rate (§4.3)."""
    if set(weights) != set(features):
        raise DomainInputError("weights and features must name the same features")
    terms = {
        name: require_finite(weights[name], "weight")
        * require_finite(features[name], "feature")
        for name in weights
    }
    logit = require_finite(intercept, "intercept") + sum(terms.values())
    probability = 1 / (1 + math.exp(-logit)) if logit >= 0 else math.exp(logit) / (1 + math.exp(logit))  # fmt: skip
    ranked = sorted(terms.items(), key=lambda item: -abs(item[1]))
    times = compare_with_base_rate(probability, base_monthly_rate)
    return LogisticChurnEstimate(probability, tuple(ranked), times)
