"""Training load: session RPE, daily loads, ACWR, monotony and spikes (§2.1-2.5).

Load-management measures, not injury predictors. Daily loads are ordered oldest to
newest, one value per day, rest days 0; every measure looks at the window that ends
with the last value. The alert rules of §2.6 live in ``load_alerts``.
"""

import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import DomainInputError, require_non_negative

MAX_SESSION_MINUTES = 240.0
MAX_RPE = 10.0
MAX_IMPUTED_SHARE = 0.20
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
MIN_HISTORY_DAYS = 28


class AcwrMethod(StrEnum):
    """Acute:chronic variants (uncoupled = chronic excludes the acute week)."""

    ROLLING_COUPLED = "rolling_coupled"
    ROLLING_UNCOUPLED = "rolling_uncoupled"
    EWMA = "ewma"
    EWMA_UNCOUPLED = "ewma_uncoupled"


class EwmaSeed(StrEnum):
    """Value before day 1: the first day's load (R ``ACWR``) or the first 7-day mean."""

    FIRST_DAY = "first_day"
    FIRST_WEEK_MEAN = "first_week_mean"


class BaselineStatus(StrEnum):
    """Whether a ratio can be shown (28 days of history, chronic load above 0)."""

    READY = "ready"
    BUILDING_BASELINE = "building_baseline"
    RETURN_TO_TRAINING = "return_to_training"


class StdevKind(StrEnum):
    """Sample (n - 1, the default) or population (n) standard deviation."""

    SAMPLE = "sample"
    POPULATION = "population"


@dataclass(frozen=True, slots=True)
class TrainingSession:
    """One session on the member's local ``day``; ``rpe`` None means not rated."""

    day: date
    minutes: float
    rpe: float | None
    session_type: str = ""


@dataclass(frozen=True, slots=True)
class DailyLoadSeries:
    """Daily sRPE loads from ``first_day``, with imputation and completeness notes."""

    first_day: date
    loads: tuple[float, ...]
    sessions: int
    imputed_sessions: int
    unrated_sessions_skipped: int
    unknown_days: tuple[date, ...]
    imputed_days: tuple[date, ...] = ()

    @property
    def is_usable(self) -> bool:
        """At most 20 % of sessions imputed and none left without an RPE."""
        missing = self.imputed_sessions + self.unrated_sessions_skipped
        share = missing / self.sessions if self.sessions else 0.0
        return self.unrated_sessions_skipped == 0 and share <= MAX_IMPUTED_SHARE

    @property
    def is_complete(self) -> bool:
        return not self.unknown_days


@dataclass(frozen=True, slots=True)
class AcwrResult:
    """Ratio with its acute and chronic daily means (None while unavailable)."""

    status: BaselineStatus
    ratio: float | None
    acute: float | None
    chronic: float | None


@dataclass(frozen=True, slots=True)
class MonotonyResult:
    """Weekly load, monotony and strain; None when the SD is 0."""

    weekly_load: float
    monotony: float | None
    strain: float | None


def compute_session_load(rpe: float, minutes: float) -> float:
    """sRPE load in AU: CR-10 RPE x minutes, RPE capped at 10 and minutes at 240."""
    rating = min(require_non_negative(rpe, "rpe"), MAX_RPE)
    return rating * min(require_non_negative(minutes, "minutes"), MAX_SESSION_MINUTES)


def build_daily_loads(
    sessions: Iterable[TrainingSession],
    first_day: date,
    last_day: date,
    *,
    unknown_days: Collection[date] = (),
) -> DailyLoadSeries:
    """Sum sessions per day; unrated sessions get the median RPE of their type."""
    if last_day < first_day:
        raise DomainInputError("last_day must not be before first_day")
    window = [s for s in sessions if first_day <= s.day <= last_day]
    medians = _median_rpe_by_type(window)
    loads = [0.0] * ((last_day - first_day).days + 1)
    imputed: list[date] = []
    skipped = 0
    for s in window:
        rpe = s.rpe if s.rpe is not None else medians.get(s.session_type)
        if s.rpe is None and rpe is not None:
            imputed.append(s.day)
        skipped += rpe is None
        if rpe is not None:
            loads[(s.day - first_day).days] += compute_session_load(rpe, s.minutes)
    unknown = tuple(sorted({d for d in unknown_days if first_day <= d <= last_day}))
    return DailyLoadSeries(
        first_day,
        tuple(loads),
        len(window),
        len(imputed),
        skipped,
        unknown,
        tuple(sorted(set(imputed))),
    )


def _median_rpe_by_type(sessions: Iterable[TrainingSession]) -> dict[str, float]:
    by_type: dict[str, list[float]] = {}
    for s in sessions:
        if s.rpe is not None:
            by_type.setdefault(s.session_type, []).append(s.rpe)
    return {kind: statistics.median(rpes) for kind, rpes in by_type.items()}


def check_daily_loads(daily_loads: Iterable[float]) -> list[float]:
    return [require_non_negative(load, "daily load") for load in daily_loads]


def compute_ewma(
    daily_loads: Sequence[float], span_days: int, *, seed: EwmaSeed = EwmaSeed.FIRST_DAY
) -> tuple[float, ...]:
    """``EWMA_t = lambda * L_t + (1 - lambda) * EWMA_t-1`` with lambda = 2 / (N + 1)."""
    loads = check_daily_loads(daily_loads)
    if span_days < 1:
        raise DomainInputError("span_days must be at least 1")
    if not loads:
        return ()
    smoothing = 2 / (span_days + 1)
    first_week = loads[:ACUTE_DAYS]
    current = (
        loads[0] if seed is EwmaSeed.FIRST_DAY else sum(first_week) / len(first_week)
    )
    series = []
    for load in loads:
        current = smoothing * load + (1 - smoothing) * current
        series.append(current)
    return tuple(series)


def _acwr_parts(
    loads: list[float], method: AcwrMethod, seed: EwmaSeed
) -> tuple[float, float]:
    if method is AcwrMethod.ROLLING_COUPLED:
        return sum(loads[-7:]) / 7, sum(loads[-28:]) / 28
    if method is AcwrMethod.ROLLING_UNCOUPLED:
        return sum(loads[-7:]) / 7, sum(loads[-28:-7]) / 21
    acute = compute_ewma(loads, ACUTE_DAYS, seed=seed)
    chronic = compute_ewma(loads, CHRONIC_DAYS, seed=seed)
    lag = ACUTE_DAYS if method is AcwrMethod.EWMA_UNCOUPLED else 0
    return acute[-1], chronic[-1 - lag]


def compute_acwr(
    daily_loads: Sequence[float],
    *,
    method: AcwrMethod = AcwrMethod.ROLLING_UNCOUPLED,
    seed: EwmaSeed = EwmaSeed.FIRST_DAY,
    min_history_days: int = MIN_HISTORY_DAYS,
) -> AcwrResult:
    """Acute:chronic ratio of daily means; EWMA methods use the whole history."""
    loads = check_daily_loads(daily_loads)
    if len(loads) < max(min_history_days, CHRONIC_DAYS):
        return AcwrResult(BaselineStatus.BUILDING_BASELINE, None, None, None)
    acute, chronic = _acwr_parts(loads, method, seed)
    if chronic <= 0:
        return AcwrResult(BaselineStatus.RETURN_TO_TRAINING, None, acute, chronic)
    return AcwrResult(BaselineStatus.READY, acute / chronic, acute, chronic)


def compute_monotony(
    week_loads: Sequence[float], *, stdev: StdevKind = StdevKind.SAMPLE
) -> MonotonyResult:
    """Foster: mean / SD of 7 daily loads; strain = weekly load x monotony."""
    loads = check_daily_loads(week_loads)
    if len(loads) != ACUTE_DAYS:
        raise DomainInputError("monotony needs exactly 7 daily loads")
    spread = (
        statistics.stdev(loads)
        if stdev is StdevKind.SAMPLE
        else statistics.pstdev(loads)
    )
    weekly = sum(loads)
    if spread == 0:
        return MonotonyResult(weekly, None, None)
    monotony = statistics.fmean(loads) / spread
    return MonotonyResult(weekly, monotony, weekly * monotony)


def compute_strain_p90(weekly_strains: Sequence[float]) -> float | None:
    """90th percentile (inclusive interpolation) of recent weekly strain, e.g. 12 weeks."""
    strains = check_daily_loads(weekly_strains)
    if len(strains) < 2:
        return None
    return statistics.quantiles(strains, n=10, method="inclusive")[-1]


def compute_week_over_week_change(this_week: float, last_week: float) -> float | None:
    """Percent change of weekly load; None when last week was 0."""
    current = require_non_negative(this_week, "this_week")
    previous = require_non_negative(last_week, "last_week")
    return (current - previous) * 100 / previous if previous else None


def compute_session_spike(
    session: float, previous_30_days: Iterable[float]
) -> float | None:
    """Percent by which a session exceeds the longest of the previous 30 days."""
    value = require_non_negative(session, "session")
    longest = max(check_daily_loads(previous_30_days), default=0.0)
    return (value - longest) * 100 / longest if longest else None
