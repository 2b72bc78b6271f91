"""Training volume of one session: tonnage, reps and hard sets (domain-methods §1.3).

Tonnage (volume load) is the sum of ``load_kg * reps`` over working sets. Warm-ups
are excluded: sets flagged as warm-up, and sets below 50 % of the session's top set
for that exercise. Hard sets are working sets at RPE >= 7, or every working set when
no RPE is logged. Sum the per-session results for weeks or other periods.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import DomainInputError, require_count, require_non_negative
from .values import LoggedSet

WARMUP_SHARE_OF_TOP_SET = 0.5
HARD_SET_MIN_RPE = 7.0


@dataclass(frozen=True, slots=True)
class VolumeSummary:
    """Volume of one session's working sets."""

    tonnage_kg: float
    reps: int
    working_sets: int
    hard_sets: int
    tonnage_by_exercise_kg: Mapping[str, float] = field(default_factory=dict)


def select_working_sets(sets: Iterable[LoggedSet]) -> tuple[LoggedSet, ...]:
    """Drop warm-ups: flagged sets and sets under 50 % of the exercise's top set."""
    session = tuple(sets)
    top_load: dict[str, float] = {}
    for logged in session:
        _check_set(logged)
        top_load[logged.exercise] = max(
            top_load.get(logged.exercise, 0.0), logged.load_kg
        )
    return tuple(
        logged
        for logged in session
        if not logged.is_warmup
        and logged.load_kg >= WARMUP_SHARE_OF_TOP_SET * top_load[logged.exercise]
    )


def _check_set(logged: LoggedSet) -> None:
    require_non_negative(logged.load_kg, "load_kg")
    require_count(logged.reps, "reps")
    if logged.rpe is not None and require_non_negative(logged.rpe, "rpe") > 10:
        raise DomainInputError("rpe must lie between 0 and 10")


def compute_tonnage(sets: Iterable[LoggedSet]) -> float:
    """Sum of load x reps over the session's working sets, in kg."""
    return sum(s.load_kg * s.reps for s in select_working_sets(sets))


def count_hard_sets(sets: Iterable[LoggedSet]) -> int:
    """Working sets at RPE >= 7, counting sets without RPE as hard."""
    return sum(1 for s in select_working_sets(sets) if _is_hard(s))


def _is_hard(logged: LoggedSet) -> bool:
    return logged.rpe is None or logged.rpe >= HARD_SET_MIN_RPE


def summarize_volume(sets: Iterable[LoggedSet]) -> VolumeSummary:
    """Tonnage (total and per exercise), reps, working sets and hard sets."""
    working: Sequence[LoggedSet] = select_working_sets(sets)
    by_exercise: dict[str, float] = {}
    for logged in working:
        tonnage = logged.load_kg * logged.reps
        by_exercise[logged.exercise] = by_exercise.get(logged.exercise, 0.0) + tonnage
    return VolumeSummary(
        tonnage_kg=sum(by_exercise.values()),
        reps=sum(s.reps for s in working),
        working_sets=len(working),
        hard_sets=sum(1 for s in working if _is_hard(s)),
        tonnage_by_exercise_kg=by_exercise,
    )
