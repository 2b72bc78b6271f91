"""The explainable 0-100 progress score (domain-methods §1.7).

Five contributors, each mapped to 0-100 and shown beside the total. A contributor
without data is dropped and the remaining weights are renormalised; the explanation
says so. Anchors and weights live in a versioned ``ProgressConfig``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import (
    DomainInputError,
    require_count,
    require_fraction,
    require_non_negative,
    require_positive,
)


class ProgressComponent(StrEnum):
    """The five contributors of the progress score."""

    STRENGTH = "strength"
    ADHERENCE = "adherence"
    PRS = "prs"
    VOLUME = "volume"
    ENDURANCE = "endurance"

    @property
    def label(self) -> str:
        return "PRs" if self is ProgressComponent.PRS else self.value.capitalize()


class ProgressReasonCode(StrEnum):
    """Machine codes for the explanation lines."""

    STRENGTH_UP = "strength_up"
    STRENGTH_DOWN = "strength_down"
    STRENGTH_STEADY = "strength_steady"
    ADHERENCE_FULL = "adherence_full"
    ADHERENCE_PARTIAL = "adherence_partial"
    PRS_SET = "prs_set"
    PRS_NONE = "prs_none"
    VOLUME_UP = "volume_up"
    VOLUME_DOWN = "volume_down"
    VOLUME_STEADY = "volume_steady"
    ENDURANCE_UP = "endurance_up"
    ENDURANCE_DOWN = "endurance_down"
    ENDURANCE_STEADY = "endurance_steady"
    COMPONENT_MISSING = "component_missing"


DEFAULT_WEIGHTS: Mapping[ProgressComponent, float] = {
    ProgressComponent.STRENGTH: 0.30,
    ProgressComponent.ADHERENCE: 0.30,
    ProgressComponent.PRS: 0.10,
    ProgressComponent.VOLUME: 0.10,
    ProgressComponent.ENDURANCE: 0.20,
}


@dataclass(frozen=True, slots=True)
class ProgressConfig:
    """Weights and anchors; store ``version`` with every score."""

    version: str = "progress-v1"
    weights: Mapping[ProgressComponent, float] = field(
        default_factory=lambda: dict(DEFAULT_WEIGHTS)
    )
    strength_span_pct: float = 10.0
    volume_span_pct: float = 20.0
    endurance_span_pct: float = 5.0
    pr_target: int = 3


@dataclass(frozen=True, slots=True)
class LiftProgress:
    """Best e1RM of a key lift in the previous and the current window."""

    lift: str
    previous_e1rm_kg: float
    current_e1rm_kg: float


@dataclass(frozen=True, slots=True)
class BenchmarkProgress:
    """Previous and current time on the member's endurance benchmark."""

    benchmark: str
    previous_time_s: float
    current_time_s: float


@dataclass(frozen=True, slots=True)
class ProgressInputs:
    """Raw inputs; leave a field empty/None when there is no data."""

    lifts: Sequence[LiftProgress] = ()
    adherence: float | None = None
    prs_last_28_days: int | None = None
    tonnage_last_4_weeks_kg: float | None = None
    tonnage_previous_4_weeks_kg: float | None = None
    endurance: BenchmarkProgress | None = None


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One contributor: its 0-100 value, raw input and weights."""

    component: ProgressComponent
    value: float
    raw_input: float
    input_text: str
    weight: float
    effective_weight: float


@dataclass(frozen=True, slots=True)
class ProgressReason:
    """One explanation line."""

    code: ProgressReasonCode
    component: ProgressComponent
    text: str


@dataclass(frozen=True, slots=True)
class ProgressScore:
    """The total (None without any data), its contributors and explanation."""

    score: float | None
    components: tuple[ComponentScore, ...]
    reasons: tuple[ProgressReason, ...]
    config_version: str


@dataclass(frozen=True, slots=True)
class _Reading:
    value: float
    raw: float
    text: str
    code: ProgressReasonCode


def _map_change(delta_pct: float, span_pct: float) -> float:
    """``50 + 50 * delta / span`` clamped to 0-100."""
    return min(max(50 + 50 * delta_pct / span_pct, 0.0), 100.0)


def _change(
    component: ProgressComponent, delta: float, span: float, text: str
) -> _Reading:
    trend = "steady" if round(delta, 1) == 0 else "up" if delta > 0 else "down"
    code = ProgressReasonCode(f"{component}_{trend}")
    return _Reading(_map_change(delta, span), delta, text, code)


def _read_strength(inputs: ProgressInputs, config: ProgressConfig) -> _Reading | None:
    if not inputs.lifts:
        return None
    changes = [
        (require_positive(lift.current_e1rm_kg, "current_e1rm_kg")
         / require_positive(lift.previous_e1rm_kg, "previous_e1rm_kg") - 1) * 100
        for lift in inputs.lifts
    ]  # fmt: skip
    delta = sum(changes) / len(changes)
    text = f"{delta:+.1f} % e1RM {', '.join(lift.lift for lift in inputs.lifts)}"
    return _change(ProgressComponent.STRENGTH, delta, config.strength_span_pct, text)


def _read_adherence(inputs: ProgressInputs, config: ProgressConfig) -> _Reading | None:
    if inputs.adherence is None:
        return None
    adherence = require_fraction(inputs.adherence, "adherence")
    code = ProgressReasonCode.ADHERENCE_PARTIAL
    if adherence >= 1.0:
        code = ProgressReasonCode.ADHERENCE_FULL
    text = f"{adherence * 100:.0f} % of the weekly plan over 4 weeks"
    return _Reading(100 * adherence, adherence, text, code)


def _read_prs(inputs: ProgressInputs, config: ProgressConfig) -> _Reading | None:
    if inputs.prs_last_28_days is None:
        return None
    count = require_count(inputs.prs_last_28_days, "prs_last_28_days")
    code = ProgressReasonCode.PRS_SET if count else ProgressReasonCode.PRS_NONE
    text = f"{count} PR{'' if count == 1 else 's'} in the last 28 days"
    value = 100 * min(count / require_positive(config.pr_target, "pr_target"), 1.0)
    return _Reading(value, float(count), text, code)


def _read_volume(inputs: ProgressInputs, config: ProgressConfig) -> _Reading | None:
    current = inputs.tonnage_last_4_weeks_kg
    previous = inputs.tonnage_previous_4_weeks_kg
    if current is None or previous is None or previous == 0:
        return None
    gain = require_non_negative(current, "tonnage") - previous
    delta = gain * 100 / require_positive(previous, "previous tonnage")
    text = f"{delta:+.1f} % tonnage vs the previous 4 weeks"
    return _change(ProgressComponent.VOLUME, delta, config.volume_span_pct, text)


def _read_endurance(inputs: ProgressInputs, config: ProgressConfig) -> _Reading | None:
    if (bench := inputs.endurance) is None:
        return None
    previous = require_positive(bench.previous_time_s, "previous_time_s")
    current = require_positive(bench.current_time_s, "current_time_s")
    delta = (previous / current - 1) * 100
    text = f"{delta:+.1f} % speed {bench.benchmark}"
    return _change(ProgressComponent.ENDURANCE, delta, config.endurance_span_pct, text)


_READERS = {
    ProgressComponent.STRENGTH: _read_strength,
    ProgressComponent.ADHERENCE: _read_adherence,
    ProgressComponent.PRS: _read_prs,
    ProgressComponent.VOLUME: _read_volume,
    ProgressComponent.ENDURANCE: _read_endurance,
}


def compute_progress_score(
    inputs: ProgressInputs, config: ProgressConfig | None = None
) -> ProgressScore:
    """Weighted 0-100 score of the contributors that have data."""
    config = config or ProgressConfig()
    readings = {c: read(inputs, config) for c, read in _READERS.items()}
    present = {c: r for c, r in readings.items() if r is not None}
    total_weight = sum(_weight(config, c) for c in present)
    if present and total_weight <= 0:
        raise DomainInputError("weights of the present components must be positive")
    components = tuple(
        ComponentScore(c, r.value, r.raw, r.text, _weight(config, c),
                       _weight(config, c) / total_weight)
        for c, r in present.items()
    )  # fmt: skip
    score = (
        sum(cs.value * cs.effective_weight for cs in components) if present else None
    )
    reasons = [
        ProgressReason(r.code, c, f"{c.label}: {r.text}") for c, r in present.items()
    ]
    reasons += [_missing_reason(c) for c, r in readings.items() if r is None]
    return ProgressScore(score, components, tuple(reasons), config.version)


def _weight(config: ProgressConfig, component: ProgressComponent) -> float:
    weight = config.weights.get(component, 0.0)
    if weight < 0:
        raise DomainInputError("weights must not be negative")
    return weight


def _missing_reason(component: ProgressComponent) -> ProgressReason:
    text = (
        f"{component.label}: no data in the window; its weight was shared among "
        "the other components"
    )
    return ProgressReason(ProgressReasonCode.COMPONENT_MISSING, component, text)
