"""Personal-record detection (domain-methods §1.5).

Call per member and exercise (and per equipment when known). Each check compares the
new entry only with history dated strictly before it, so back-filled workouts can be
replayed in date order. Ties are not records. The first-ever entry of an exercise is
stored as a baseline record but is not notified.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from .errors import (
    DomainInputError,
    require_count,
    require_non_negative,
)
from .strength import E1rmFormula, estimate_one_rep_max

E1RM_TOLERANCE_KG = 0.5
E1RM_TOLERANCE_PCT = 0.5


class PrKind(StrEnum):
    """Kinds of personal record."""

    REP = "rep"
    E1RM = "e1rm"
    VOLUME = "volume"
    BENCHMARK = "benchmark"


class BenchmarkGoal(StrEnum):
    """Whether a benchmark improves by going down (time) or up (reps, rounds)."""

    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


@dataclass(frozen=True, slots=True)
class LiftEntry:
    """One working set of an exercise, with a timezone-aware timestamp.

    ``qualifies``: the set may estimate an e1RM (§1.1: to failure or rated; see
    ``strength.is_qualifying_set``). Rep and volume PRs read every working set.
    """

    performed_at: datetime
    load_kg: float
    reps: int
    rir: float | None = None
    qualifies: bool = True


@dataclass(frozen=True, slots=True)
class DatedResult:
    """A dated scalar result: session tonnage, benchmark time or reps."""

    performed_at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class PrResult:
    """Outcome of one PR check: store when ``is_pr``, notify when ``notify``."""

    kind: PrKind
    is_pr: bool
    notify: bool
    is_baseline: bool
    value: float | None
    previous_best: float | None


class _Dated(Protocol):
    @property
    def performed_at(self) -> datetime: ...


_T = TypeVar("_T", bound=_Dated)


def _earlier(entry: _Dated, history: Iterable[_T]) -> list[_T]:
    _check_aware(entry.performed_at)
    earlier = []
    for item in history:
        if _check_aware(item.performed_at) < entry.performed_at:
            earlier.append(item)
    return earlier


def _check_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainInputError("performed_at must be timezone-aware")
    return moment


def _judge(
    kind: PrKind,
    value: float,
    previous_best: float | None,
    beats: Callable[[float, float], bool],
) -> PrResult:
    is_pr = previous_best is None or beats(value, previous_best)
    return PrResult(kind, is_pr, is_pr, False, value, previous_best)


def _baseline(kind: PrKind, value: float) -> PrResult:
    return PrResult(kind, True, False, True, value, None)


def _not_applicable(kind: PrKind) -> PrResult:
    return PrResult(kind, False, False, False, None, None)


def detect_rep_pr(entry: LiftEntry, history: Iterable[LiftEntry]) -> PrResult:
    """Rep PR: heavier than every earlier load lifted for at least as many reps."""
    load = require_non_negative(entry.load_kg, "load_kg")
    if require_count(entry.reps, "reps") == 0:
        return _not_applicable(PrKind.REP)
    earlier = _earlier(entry, history)
    if not earlier:
        return _baseline(PrKind.REP, load)
    best = max((h.load_kg for h in earlier if h.reps >= entry.reps), default=None)
    return _judge(PrKind.REP, load, best, lambda new, old: new > old)


def detect_e1rm_pr(
    entry: LiftEntry,
    history: Iterable[LiftEntry],
    *,
    formula: E1rmFormula = E1rmFormula.EPLEY,
    tolerance_kg: float = E1RM_TOLERANCE_KG,
    tolerance_pct: float = E1RM_TOLERANCE_PCT,
) -> PrResult:
    """e1RM PR: beats the earlier best by more than max(0.5 kg, 0.5 %); only
    qualifying sets estimate an e1RM, new or earlier."""
    estimate = (
        estimate_one_rep_max(entry.load_kg, entry.reps, formula=formula, rir=entry.rir)
        if entry.qualifies
        else None
    )
    if estimate is None:
        return _not_applicable(PrKind.E1RM)
    earlier = [h for h in _earlier(entry, history) if h.qualifies]
    if not earlier:
        return _baseline(PrKind.E1RM, estimate.value_kg)
    estimates = (
        estimate_one_rep_max(h.load_kg, h.reps, formula=formula, rir=h.rir)
        for h in earlier
    )
    best = max((e.value_kg for e in estimates if e is not None), default=None)
    margin_kg = require_non_negative(tolerance_kg, "tolerance_kg")
    margin_pct = require_non_negative(tolerance_pct, "tolerance_pct")

    def beats(new: float, old: float) -> bool:
        return new - old > max(margin_kg, old * margin_pct / 100)

    return _judge(PrKind.E1RM, estimate.value_kg, best, beats)


def detect_volume_pr(session: DatedResult, history: Iterable[DatedResult]) -> PrResult:
    """Volume PR: session tonnage for the exercise above every earlier session."""
    return _detect_best(PrKind.VOLUME, session, history, BenchmarkGoal.HIGHER_IS_BETTER)


def detect_benchmark_pr(
    result: DatedResult,
    history: Iterable[DatedResult],
    *,
    goal: BenchmarkGoal = BenchmarkGoal.LOWER_IS_BETTER,
) -> PrResult:
    """Benchmark PR: faster time (default) or more reps/rounds than any earlier."""
    return _detect_best(PrKind.BENCHMARK, result, history, goal)


def _detect_best(
    kind: PrKind,
    result: DatedResult,
    history: Iterable[DatedResult],
    goal: BenchmarkGoal,
) -> PrResult:
    value = require_non_negative(result.value, "value")
    earlier = [
        require_non_negative(h.value, "value") for h in _earlier(result, history)
    ]
    if not earlier:
        return _baseline(kind, value)
    if goal is BenchmarkGoal.LOWER_IS_BETTER:
        return _judge(kind, value, min(earlier), lambda new, old: new < old)
    return _judge(kind, value, max(earlier), lambda new, old: new > old)


def count_scoring_prs(prs: Iterable[tuple[str, datetime]]) -> int:
    """PRs for the progress score (§1.7): at most one per exercise per session.

    ``prs`` are the notified PRs of the window as (exercise or benchmark code,
    session time). One good workout can set an e1RM, several rep and a volume
    PR on one exercise: all are stored and shown, but they count once, so the
    component (``100 * min(n / 3, 1)``) needs PRs on three exercises or in
    three sessions to reach 100.
    """
    return len({(exercise, _check_aware(at)) for exercise, at in prs})
