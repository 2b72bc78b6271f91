"""Readiness and recovery from nightly wearable values (domain-methods §3.1-§3.5).

HRV: the 7-day mean of ln rMSSD (min 3 valid nights) against the personal normal
range, mean ± 0.5·SD of the daily ln values over the 60-day window that ends on
the assessed day, short window excluded (min 14 valid nights, else calibrating).
RHR: the night's value against the mean of the 60 preceding days. The composite
is ``0.5·HRV + 0.25·RHR + 0.25·sleep`` with WHOOP-style bands; without an HRV
contributor no score is given. Inputs must be one source's values (never Apple
SDNN) in canonical units; implausible nights are not counted as valid.
"""

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import DomainInputError, require_non_negative, require_positive
from .wearables import PLAUSIBLE_RANGES, Metric

LONG_WINDOW_DAYS = 60
SHORT_WINDOW_DAYS = 7
MIN_BASELINE_NIGHTS = 14
MIN_SHORT_NIGHTS = 3
BAND_SD_MULTIPLIER = 0.5
RHR_FLAG_BPM = 5.0
RHR_FLAG_Z = 2.0
SLEEP_NEED_S = 8 * 3600.0
SHORT_SLEEP_S = 7 * 3600.0
LOW_EFFICIENCY_PCT = 85.0
SLEEP_DEBT_DAYS = 14
WEIGHTS = {"hrv": 0.5, "rhr": 0.25, "sleep": 0.25}
GREEN_MIN = 67.0
RED_MAX = 33.0


class HrvState(StrEnum):
    CALIBRATING = "calibrating"  # < 14 valid baseline nights
    INCOMPLETE = "incomplete"  # < 3 valid nights in the last 7 days
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


class ReadinessBand(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class ReasonCode(StrEnum):
    HRV_CALIBRATING = "hrv_calibrating"
    HRV_INCOMPLETE = "hrv_incomplete"
    HRV_BELOW_NORMAL = "hrv_below_normal"
    HRV_ABOVE_NORMAL = "hrv_above_normal"
    RHR_ELEVATED = "rhr_elevated"
    RHR_MISSING = "rhr_missing"
    SLEEP_SHORT = "sleep_short"
    SLEEP_LOW_EFFICIENCY = "sleep_low_efficiency"
    SLEEP_MISSING = "sleep_missing"


@dataclass(frozen=True, slots=True)
class NightValue:
    """One night's value: rMSSD in ms, RHR in bpm or total sleep in seconds."""

    day: date
    value: float


@dataclass(frozen=True, slots=True)
class HrvStatus:
    """Means and SD are of ln rMSSD; ``short_cv`` is SD/mean of the 7-day lns."""

    state: HrvState
    short_nights: int
    baseline_nights: int
    short_mean: float | None = None
    baseline_mean: float | None = None
    baseline_sd: float | None = None
    z: float | None = None
    short_cv: float | None = None

    @property
    def band(self) -> tuple[float, float] | None:
        if self.baseline_mean is None or self.baseline_sd is None:
            return None
        half_width = BAND_SD_MULTIPLIER * self.baseline_sd
        return self.baseline_mean - half_width, self.baseline_mean + half_width


@dataclass(frozen=True, slots=True)
class RhrStatus:
    rhr_bpm: float
    baseline_mean: float
    baseline_sd: float
    deviation_bpm: float
    z: float | None
    elevated: bool


@dataclass(frozen=True, slots=True)
class SleepStatus:
    total_sleep_s: float
    time_in_bed_s: float
    efficiency_pct: float
    short: bool
    low_efficiency: bool


@dataclass(frozen=True, slots=True)
class SleepDebt:
    debt_s: float
    nights: int


@dataclass(frozen=True, slots=True)
class Readiness:
    """``score`` and ``band`` are None without an HRV contributor."""

    score: float | None
    band: ReadinessBand | None
    hrv_component: float | None
    rhr_component: float | None
    sleep_component: float | None
    reasons: tuple[ReasonCode, ...]

    @property
    def is_low(self) -> bool:
        """Low readiness = the red band (score <= 33)."""
        return self.band is ReadinessBand.RED


def compute_ln_rmssd(rmssd_ms: float) -> float:
    """Natural log of rMSSD in ms, the scale all HRV statistics use."""
    return math.log(require_positive(rmssd_ms, "rmssd_ms"))


def assess_hrv(nights: Iterable[NightValue], as_of: date) -> HrvStatus:
    """HRV status of the 7 days ending ``as_of`` against the 60-day normal range."""
    by_day = _plausible_by_day(nights, Metric.HRV_RMSSD, compute_ln_rmssd)
    short_start = as_of - timedelta(days=SHORT_WINDOW_DAYS - 1)
    long_start = as_of - timedelta(days=LONG_WINDOW_DAYS - 1)
    short = [v for d, v in by_day.items() if short_start <= d <= as_of]
    baseline = [v for d, v in by_day.items() if long_start <= d < short_start]
    counts = {"short_nights": len(short), "baseline_nights": len(baseline)}
    if len(baseline) < MIN_BASELINE_NIGHTS or statistics.stdev(baseline) == 0:
        return HrvStatus(HrvState.CALIBRATING, **counts)
    mean, sd = statistics.fmean(baseline), statistics.stdev(baseline)
    if len(short) < MIN_SHORT_NIGHTS:
        return HrvStatus(
            HrvState.INCOMPLETE, baseline_mean=mean, baseline_sd=sd, **counts
        )
    short_mean = statistics.fmean(short)
    z = (short_mean - mean) / sd
    state = HrvState.WITHIN
    if abs(short_mean - mean) > BAND_SD_MULTIPLIER * sd:
        state = HrvState.BELOW if short_mean < mean else HrvState.ABOVE
    cv = statistics.stdev(short) / short_mean
    return HrvStatus(
        state,
        short_mean=short_mean,
        baseline_mean=mean,
        baseline_sd=sd,
        z=z,
        short_cv=cv,
        **counts,
    )


def assess_resting_hr(nights: Iterable[NightValue], as_of: date) -> RhrStatus | None:
    """The ``as_of`` night's RHR against the mean of the 60 nights before it;
    None when that night is missing or the baseline has < 14 valid nights."""
    by_day = _plausible_by_day(nights, Metric.RESTING_HR, float)
    start = as_of - timedelta(days=LONG_WINDOW_DAYS)
    baseline = [v for d, v in by_day.items() if start <= d < as_of]
    rhr = by_day.get(as_of)
    if rhr is None or len(baseline) < MIN_BASELINE_NIGHTS:
        return None
    mean, sd = statistics.fmean(baseline), statistics.stdev(baseline)
    deviation = rhr - mean
    z = deviation / sd if sd > 0 else None
    elevated = deviation >= RHR_FLAG_BPM or (z is not None and z >= RHR_FLAG_Z)
    return RhrStatus(rhr, mean, sd, deviation, z, elevated)


def assess_sleep(total_sleep_s: float, time_in_bed_s: float) -> SleepStatus:
    """Main sleep: efficiency = TST / TIB x 100; flags < 7 h and < 85 %."""
    tst = require_non_negative(total_sleep_s, "total_sleep_s")
    tib = require_positive(time_in_bed_s, "time_in_bed_s")
    if tst > tib:
        raise DomainInputError("total_sleep_s must not exceed time_in_bed_s")
    efficiency = 100.0 * tst / tib
    return SleepStatus(
        tst, tib, efficiency, tst < SHORT_SLEEP_S, efficiency < LOW_EFFICIENCY_PCT
    )


def compute_sleep_debt(
    nights: Iterable[NightValue], as_of: date, need_s: float = SLEEP_NEED_S
) -> SleepDebt:
    """Σ(need - actual) over the recorded nights of the 14 days ending ``as_of``
    (missing nights are not imputed; surplus nights pay debt back)."""
    require_positive(need_s, "need_s")
    start = as_of - timedelta(days=SLEEP_DEBT_DAYS - 1)
    by_day = _unique_by_day(nights)
    window = [
        require_non_negative(v, "value")
        for d, v in by_day.items()
        if start <= d <= as_of
    ]
    return SleepDebt(sum(need_s - v for v in window), len(window))


def score_hrv_component(z: float) -> float:
    """``clamp(50 + 25·z)``: z = -2 → 0, z = +2 → 100."""
    return _clamp(50.0 + 25.0 * z)


def score_rhr_component(rhr_bpm: float, baseline_mean: float) -> float:
    """``clamp(100 - 10·max(0, RHR - baseline mean))``."""
    return _clamp(100.0 - 10.0 * max(0.0, rhr_bpm - baseline_mean))


def score_sleep_component(sleep: SleepStatus, need_s: float = SLEEP_NEED_S) -> float:
    """``0.7·clamp(100·TST/need) + 0.3·clamp(100·(efficiency - 65)/(85 - 65))``."""
    need = require_positive(need_s, "need_s")
    duration = _clamp(100.0 * sleep.total_sleep_s / need)
    efficiency = _clamp(100.0 * (sleep.efficiency_pct - 65.0) / (85.0 - 65.0))
    return 0.7 * duration + 0.3 * efficiency


def compute_readiness(
    hrv: HrvStatus,
    rhr: RhrStatus | None,
    sleep: SleepStatus | None,
    sleep_need_s: float = SLEEP_NEED_S,
) -> Readiness:
    """Composite 0-100: weights renormalised over present contributors; no
    score (sleep contributor only) while HRV is calibrating or incomplete."""
    components = {
        "hrv": None if hrv.z is None else score_hrv_component(hrv.z),
        "rhr": None
        if rhr is None
        else score_rhr_component(rhr.rhr_bpm, rhr.baseline_mean),
        "sleep": None if sleep is None else score_sleep_component(sleep, sleep_need_s),
    }
    score = None
    if components["hrv"] is not None:
        present = {k: v for k, v in components.items() if v is not None}
        total_weight = sum(WEIGHTS[k] for k in present)
        score = sum(WEIGHTS[k] * v for k, v in present.items()) / total_weight
    return Readiness(
        score=score,
        band=None if score is None else classify_readiness(score),
        hrv_component=components["hrv"],
        rhr_component=components["rhr"],
        sleep_component=components["sleep"],
        reasons=_reasons(hrv, rhr, sleep),
    )


def classify_readiness(score: float) -> ReadinessBand:
    """Green ≥ 67, red ≤ 33, yellow in between."""
    if score >= GREEN_MIN:
        return ReadinessBand.GREEN
    return ReadinessBand.RED if score <= RED_MAX else ReadinessBand.YELLOW


def _reasons(
    hrv: HrvStatus, rhr: RhrStatus | None, sleep: SleepStatus | None
) -> tuple[ReasonCode, ...]:
    hrv_reason = {
        HrvState.CALIBRATING: ReasonCode.HRV_CALIBRATING,
        HrvState.INCOMPLETE: ReasonCode.HRV_INCOMPLETE,
        HrvState.BELOW: ReasonCode.HRV_BELOW_NORMAL,
        HrvState.ABOVE: ReasonCode.HRV_ABOVE_NORMAL,
    }.get(hrv.state)
    flags = [
        (hrv_reason is not None, hrv_reason),
        (rhr is None, ReasonCode.RHR_MISSING),
        (rhr is not None and rhr.elevated, ReasonCode.RHR_ELEVATED),
        (sleep is None, ReasonCode.SLEEP_MISSING),
        (sleep is not None and sleep.short, ReasonCode.SLEEP_SHORT),
        (sleep is not None and sleep.low_efficiency, ReasonCode.SLEEP_LOW_EFFICIENCY),
    ]
    return tuple(code for flagged, code in flags if flagged and code is not None)


def _unique_by_day(nights: Iterable[NightValue]) -> dict[date, float]:
    by_day: dict[date, float] = {}
    for night in nights:
        if night.day in by_day:
            raise DomainInputError("nights must hold at most one value per day")
        by_day[night.day] = night.value
    return by_day


def _plausible_by_day(
    nights: Iterable[NightValue], metric: Metric, transform: Callable[[float], float]
) -> dict[date, float]:
    low, high = PLAUSIBLE_RANGES[metric]
    by_day = _unique_by_day(nights)
    for value in by_day.values():
        require_positive(value, "value")
    return {d: transform(v) for d, v in by_day.items() if low <= v <= high}


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))
