"""Estimated one-rep max and relative-strength points (domain-methods §1.1, §1.2).

Coefficients follow the OpenPowerlifting ``coefficients`` crate as restated in the
doc; all inputs are kilograms.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import (
    DomainInputError,
    require_count,
    require_non_negative,
    require_positive,
)
from .values import LoggedSet, Sex

KG_PER_LB = 0.45359237
REPS_MAX_FOR_ESTIMATE = 12
REPS_MAX_FULL_CONFIDENCE = 10
RIR_MAX_FOR_ADJUSTMENT = 3.0
RPE_MAX = 10.0


class E1rmFormula(StrEnum):
    """Named e1RM equations; store the name with every estimate."""

    EPLEY = "epley"
    BRZYCKI = "brzycki"
    LANDER = "lander"
    LOMBARDI = "lombardi"
    MAYHEW = "mayhew"
    OCONNER = "oconner"
    WATHAN = "wathan"


_E1RM_EQUATIONS: dict[E1rmFormula, Callable[[float, float], float]] = {
    E1rmFormula.EPLEY: lambda w, r: w * (1 + r / 30),
    E1rmFormula.BRZYCKI: lambda w, r: w * 36 / (37 - r),
    E1rmFormula.LANDER: lambda w, r: 100 * w / (101.3 - 2.67123 * r),
    E1rmFormula.LOMBARDI: lambda w, r: w * r**0.10,
    E1rmFormula.MAYHEW: lambda w, r: 100 * w / (52.2 + 41.9 * math.exp(-0.055 * r)),
    E1rmFormula.OCONNER: lambda w, r: w * (1 + 0.025 * r),
    E1rmFormula.WATHAN: lambda w, r: 100 * w / (48.8 + 53.8 * math.exp(-0.075 * r)),
}


@dataclass(frozen=True, slots=True)
class OneRepMaxEstimate:
    """An e1RM with the formula and reps it came from."""

    value_kg: float
    formula: E1rmFormula
    effective_reps: float
    low_confidence: bool


def convert_lb_to_kg(pounds: float) -> float:
    """Convert pounds to kilograms (do this before any formula)."""
    return require_non_negative(pounds, "pounds") * KG_PER_LB


def estimate_one_rep_max(
    load_kg: float,
    reps: int,
    *,
    formula: E1rmFormula = E1rmFormula.EPLEY,
    rir: float | None = None,
) -> OneRepMaxEstimate | None:
    """Estimate 1RM from one set; None when no estimate is allowed.

    1 effective rep returns the load itself; 11-12 are ``low_confidence``; above 12,
    a failed set (0 reps) or RIR above 3 give no estimate. With RIR the formula uses
    ``reps + rir``.
    """
    load = require_non_negative(load_kg, "load_kg")
    require_count(reps, "reps")
    effective = _effective_reps(reps, rir)
    if reps == 0 or effective is None or effective > REPS_MAX_FOR_ESTIMATE:
        return None
    value = load if effective == 1 else _E1RM_EQUATIONS[formula](load, effective)
    low_confidence = effective > REPS_MAX_FULL_CONFIDENCE
    return OneRepMaxEstimate(value, formula, effective, low_confidence)


def _effective_reps(reps: int, rir: float | None) -> float | None:
    if rir is None:
        return float(reps)
    if require_non_negative(rir, "rir") > RIR_MAX_FOR_ADJUSTMENT:
        return None
    return reps + rir


def estimate_best_one_rep_max(
    sets: Iterable[LoggedSet], *, formula: E1rmFormula = E1rmFormula.EPLEY
) -> OneRepMaxEstimate | None:
    """Best e1RM over one exercise's qualifying sets (``is_qualifying_set``)."""
    estimates: list[OneRepMaxEstimate] = []
    exercises: set[str] = set()
    for logged in sets:
        exercises.add(logged.exercise)
        if not is_qualifying_set(logged):
            continue
        rir = qualifying_rir(logged)
        estimate = estimate_one_rep_max(
            logged.load_kg, logged.reps, formula=formula, rir=rir
        )
        if estimate is not None:
            estimates.append(estimate)
    if len(exercises) > 1:
        raise DomainInputError("sets must all belong to one exercise")
    return max(estimates, key=lambda e: e.value_kg, default=None)


def is_qualifying_set(logged: LoggedSet) -> bool:
    """§1.1: only working sets taken to failure or rated (RPE or RIR) estimate
    an e1RM. The one rule for the strength score and for e1RM PRs."""
    rated = logged.to_failure or logged.rpe is not None or logged.rir is not None
    return rated and not logged.is_warmup


def qualifying_rir(logged: LoggedSet) -> float | None:
    """RIR given, else derived from RPE (RPE 10 = 0 RIR), else None (to failure)."""
    if logged.rir is not None:
        return logged.rir
    if logged.rpe is None:
        return None
    if not 0.0 <= require_non_negative(logged.rpe, "rpe") <= RPE_MAX:
        raise DomainInputError("rpe must lie between 0 and 10")
    return RPE_MAX - logged.rpe


# --- relative strength -------------------------------------------------------------


class WilksVersion(StrEnum):
    """Wilks variants; never mix them in one leaderboard."""

    ORIGINAL = "wilks"
    WILKS_2020 = "wilks2020"


class Equipment(StrEnum):
    """IPF GL equipment class (wraps/straps map to classic, multi-ply to equipped)."""

    CLASSIC = "classic"
    EQUIPPED = "equipped"


class LiftEvent(StrEnum):
    """IPF GL event: full power total (SBD) or bench only."""

    TOTAL = "sbd"
    BENCH = "bench"


@dataclass(frozen=True, slots=True)
class _Curve:
    """Polynomial in bodyweight (lowest power first) with its bodyweight clamp."""

    coefficients: tuple[float, ...]
    bw_min: float
    bw_max: float

    def at(self, bodyweight: float) -> float:
        x = min(max(bodyweight, self.bw_min), self.bw_max)
        return sum(c * x**power for power, c in enumerate(self.coefficients))


# Coefficient tables as in OpenPowerlifting's coefficients crate (domain-methods §1.2).
# fmt: off
_WILKS: dict[tuple[WilksVersion, Sex], tuple[float, _Curve]] = {
    (WilksVersion.ORIGINAL, Sex.MALE): (500.0, _Curve(
        (-216.0475144, 16.2606339, -0.002388645, -0.00113732, 7.01863e-06,
         -1.291e-08), 40.0, 201.9)),
    (WilksVersion.ORIGINAL, Sex.FEMALE): (500.0, _Curve(
        (594.31747775582, -27.23842536447, 0.82112226871, -0.00930733913,
         4.731582e-05, -9.054e-08), 26.51, 154.53)),
    (WilksVersion.WILKS_2020, Sex.MALE): (600.0, _Curve(
        (47.46178854, 8.472061379, 0.07369410346, -0.001395833811,
         7.07665973070743e-06, -1.20804336482315e-08), 40.0, 200.95)),
    (WilksVersion.WILKS_2020, Sex.FEMALE): (600.0, _Curve(
        (-125.4255398, 13.71219419, -0.03307250631, -0.001050400051,
         9.38773881462799e-06, -2.3334613884954e-08), 40.0, 150.95)),
}

_DOTS: dict[Sex, _Curve] = {
    Sex.MALE: _Curve((-307.75076, 24.0900756, -0.1918759221, 0.0007391293,
                      -0.0000010930), 40.0, 210.0),
    Sex.FEMALE: _Curve((-57.96288, 13.6175032, -0.1126655495, 0.0005158568,
                        -0.0000010706), 40.0, 150.0),
}

_GL: dict[tuple[LiftEvent, Sex, Equipment], tuple[float, float, float]] = {
    (LiftEvent.TOTAL, Sex.MALE, Equipment.CLASSIC): (1199.72839, 1025.18162, 0.009210),
    (LiftEvent.TOTAL, Sex.MALE, Equipment.EQUIPPED): (1236.25115, 1449.21864, 0.01644),
    (LiftEvent.TOTAL, Sex.FEMALE, Equipment.CLASSIC): (610.32796, 1045.59282, 0.03048),
    (LiftEvent.TOTAL, Sex.FEMALE, Equipment.EQUIPPED): (758.63878, 949.31382, 0.02435),
    (LiftEvent.BENCH, Sex.MALE, Equipment.CLASSIC): (320.98041, 281.40258, 0.01008),
    (LiftEvent.BENCH, Sex.MALE, Equipment.EQUIPPED): (381.22073, 733.79378, 0.02398),
    (LiftEvent.BENCH, Sex.FEMALE, Equipment.CLASSIC): (142.40398, 442.52671, 0.04724),
    (LiftEvent.BENCH, Sex.FEMALE, Equipment.EQUIPPED): (221.82209, 357.00377, 0.02937),
}
# fmt: on
GL_MIN_BODYWEIGHT_KG = 35.0


def _check_lift(total_kg: float, bodyweight_kg: float) -> tuple[float, float]:
    total = require_non_negative(total_kg, "total_kg")
    return total, require_positive(bodyweight_kg, "bodyweight_kg")


def compute_bodyweight_ratio(total_kg: float, bodyweight_kg: float) -> float:
    """Total divided by bodyweight (favours light lifters)."""
    total, bodyweight = _check_lift(total_kg, bodyweight_kg)
    return total / bodyweight


def compute_wilks(
    total_kg: float,
    bodyweight_kg: float,
    sex: Sex,
    *,
    version: WilksVersion = WilksVersion.WILKS_2020,
) -> float:
    """Wilks points: numerator 600 for Wilks 2020, 500 for the original."""
    total, bodyweight = _check_lift(total_kg, bodyweight_kg)
    numerator, curve = _WILKS[(version, sex)]
    return total * numerator / curve.at(bodyweight)


def compute_dots(total_kg: float, bodyweight_kg: float, sex: Sex) -> float:
    """DOTS points (recommended for mixed-sex leaderboards)."""
    total, bodyweight = _check_lift(total_kg, bodyweight_kg)
    return total * 500 / _DOTS[sex].at(bodyweight)


def compute_ipf_gl_points(
    total_kg: float,
    bodyweight_kg: float,
    sex: Sex,
    *,
    equipment: Equipment = Equipment.CLASSIC,
    event: LiftEvent = LiftEvent.TOTAL,
) -> float:
    """IPF GL (GOODLIFT) points; 0 below 35 kg bodyweight, multiplier floored at 0."""
    total, bodyweight = _check_lift(total_kg, bodyweight_kg)
    if bodyweight < GL_MIN_BODYWEIGHT_KG:
        return 0.0
    a, b, c = _GL[(event, sex, equipment)]
    denominator = a - b * math.exp(-c * bodyweight)
    multiplier = max(0.0, 100 / denominator) if denominator != 0 else 0.0
    return total * multiplier
