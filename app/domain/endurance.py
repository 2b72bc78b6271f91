"""Endurance benchmarks: rowing power, running conversions, age grade, percentiles.

Domain-methods §1.6. Times in seconds, distances in metres.
"""

from collections.abc import Sequence
from enum import StrEnum

from .errors import (
    require_count,
    require_finite,
    require_non_negative,
    require_positive,
)

CONCEPT2_POWER_CONSTANT = 2.80
ROWING_SPLIT_M = 500.0
RIEGEL_EXPONENT = 1.06
MIN_COHORT_SIZE = 20
AGE_BAND_YEARS = 10


class AgeGradeBand(StrEnum):
    """WMA/USATF/parkrun bands for an age-grade percentage."""

    WORLD_RECORD = "world_record"
    WORLD_CLASS = "world_class"
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"
    BELOW_LOCAL = "below_local"


def compute_rowing_pace(time_s: float, distance_m: float) -> float:
    """Seconds per 500 m: ``time / (distance / 500)``."""
    time = require_positive(time_s, "time_s")
    return time / (require_positive(distance_m, "distance_m") / ROWING_SPLIT_M)


def compute_rowing_watts(pace_s_per_500m: float) -> float:
    """Concept2 monitor power: ``2.80 / (pace / 500)^3``."""
    pace = require_positive(pace_s_per_500m, "pace_s_per_500m")
    return CONCEPT2_POWER_CONSTANT / (pace / ROWING_SPLIT_M) ** 3


def compute_running_pace(time_s: float, distance_m: float) -> float:
    """Seconds per kilometre."""
    time = require_positive(time_s, "time_s")
    return time / (require_positive(distance_m, "distance_m") / 1000)


def predict_riegel_time(
    time_s: float,
    distance_m: float,
    target_distance_m: float,
    *,
    exponent: float = RIEGEL_EXPONENT,
) -> float:
    """Riegel: ``T2 = T1 * (D2 / D1)^exponent`` (about 1500 m to the marathon)."""
    time = require_positive(time_s, "time_s")
    ratio = require_positive(target_distance_m, "target_distance_m") / require_positive(
        distance_m, "distance_m"
    )
    return time * float(ratio ** require_positive(exponent, "exponent"))


def classify_age_grade(percent: float) -> AgeGradeBand:
    """>= 100 % world record, > 90 world class, > 80 national, > 70 regional, > 60 local."""
    value = require_non_negative(percent, "percent")
    if value >= 100:
        return AgeGradeBand.WORLD_RECORD
    for floor, band in (
        (90, AgeGradeBand.WORLD_CLASS),
        (80, AgeGradeBand.NATIONAL),
        (70, AgeGradeBand.REGIONAL),
        (60, AgeGradeBand.LOCAL),
    ):
        if value > floor:
            return band
    return AgeGradeBand.BELOW_LOCAL


def compute_age_band(age_years: int) -> int:
    """First year of the member's 10-year age band (e.g. 34 -> 30)."""
    return require_count(age_years, "age_years") // AGE_BAND_YEARS * AGE_BAND_YEARS


def compute_cohort_percentile(
    value: float,
    cohort: Sequence[float],
    *,
    lower_is_better: bool = True,
    min_cohort_size: int = MIN_COHORT_SIZE,
) -> float | None:
    """``(share worse + half share equal) * 100``; None below 20 people.

    ``cohort`` holds one best result per member of the same sex, 10-year age band and
    benchmark over the rolling 12 months, the member's own result included.
    """
    mine = require_finite(value, "value")
    results = [require_finite(other, "cohort value") for other in cohort]
    if len(results) < min_cohort_size:
        return None
    if lower_is_better:
        worse = sum(1 for other in results if other > mine)
    else:
        worse = sum(1 for other in results if other < mine)
    equal = sum(1 for other in results if other == mine)
    return (worse + equal / 2) / len(results) * 100
