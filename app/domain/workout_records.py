"""Personal records set by one workout or benchmark (domain-methods §1.5).

Per exercise of the workout: an e1RM PR for its best working set, a rep PR for
the heaviest working set of each rep count, and a volume PR for the session's
tonnage. Each is judged against history dated strictly before the workout, so
first-ever entries come back as stored, un-notified baselines.

History comes reduced to an ``ExerciseHistory`` (a few rows per exercise, which
SQL can aggregate), so judging a workout does not grow with the member's log.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .records import (
    BenchmarkGoal,
    DatedResult,
    LiftEntry,
    PrKind,
    PrResult,
    detect_benchmark_pr,
    detect_e1rm_pr,
    detect_rep_pr,
    detect_volume_pr,
)
from .strength import estimate_one_rep_max, is_qualifying_set, qualifying_rir
from .training_log import BenchmarkRecord
from .values import LoggedSet
from .volume import select_working_sets


@dataclass(frozen=True, slots=True)
class RecordFound:
    """A PR to store under ``(exercise, kind, rep_bucket, source_id)``."""

    exercise: str
    kind: PrKind
    rep_bucket: int
    source_id: str
    result: PrResult


def to_lift_entry(performed_at: datetime, logged: LoggedSet) -> LiftEntry:
    """A working set as PR history: RIR given, else from RPE; whether it may
    estimate an e1RM follows the strength score's rule (§1.1)."""
    qualifies = is_qualifying_set(logged)
    rir = qualifying_rir(logged) if qualifies else None
    return LiftEntry(performed_at, logged.load_kg, logged.reps, rir, qualifies)


@dataclass(frozen=True, slots=True)
class ExerciseHistory:
    """An exercise's working sets before a workout, reduced to what PRs read.

    ``top_sets`` holds the heaviest set of each (reps, RIR, qualifies): the best load
    for at least r reps is a maximum over them, and so is the best e1RM (it
    grows with the load at fixed reps and RIR). ``best_session`` is the highest
    session tonnage. Both are empty only for an exercise never done before.
    A value may be dated by another (still earlier) session than the one that
    set it: the checks only read that it is dated before the workout.
    """

    top_sets: tuple[LiftEntry, ...] = ()
    best_session: DatedResult | None = None


NO_HISTORY = ExerciseHistory()


def summarize_history(
    entries: Iterable[LiftEntry], before: datetime
) -> ExerciseHistory:
    """The ``ExerciseHistory`` of one exercise's sets dated before ``before``."""
    top: dict[tuple[int, float | None, bool], LiftEntry] = {}
    by_time: dict[datetime, float] = {}
    for entry in entries:
        if entry.performed_at >= before:
            continue
        key = (entry.reps, entry.rir, entry.qualifies)
        if key not in top or entry.load_kg > top[key].load_kg:
            top[key] = entry
        by_time[entry.performed_at] = (
            by_time.get(entry.performed_at, 0.0) + entry.load_kg * entry.reps
        )
    sessions = [DatedResult(when, value) for when, value in by_time.items()]
    best = max(sessions, key=lambda s: s.value, default=None)
    return ExerciseHistory(tuple(top.values()), best)


def _e1rm(entry: LiftEntry) -> float:
    if not entry.qualifies:
        return -1.0
    estimate = estimate_one_rep_max(entry.load_kg, entry.reps, rir=entry.rir)
    return -1.0 if estimate is None else estimate.value_kg


def _heaviest_per_reps(
    entries: Sequence[tuple[str, LiftEntry]],
) -> list[tuple[str, LiftEntry]]:
    best: dict[int, tuple[str, LiftEntry]] = {}
    for set_id, entry in entries:
        if entry.reps not in best or entry.load_kg > best[entry.reps][1].load_kg:
            best[entry.reps] = (set_id, entry)
    return [best[reps] for reps in sorted(best)]


def _exercise_records(
    exercise: str,
    performed_at: datetime,
    sets: Sequence[tuple[str, LoggedSet]],
    history: ExerciseHistory,
    workout_id: str,
) -> list[RecordFound]:
    entries = [(set_id, to_lift_entry(performed_at, s)) for set_id, s in sets]
    earlier = history.top_sets
    best_id, best = max(entries, key=lambda pair: _e1rm(pair[1]))
    found = [
        RecordFound(exercise, PrKind.E1RM, 0, best_id, detect_e1rm_pr(best, earlier))
    ]
    for set_id, top in _heaviest_per_reps(entries):
        rep_pr = detect_rep_pr(top, earlier)
        found.append(RecordFound(exercise, PrKind.REP, top.reps, set_id, rep_pr))
    tonnage = DatedResult(performed_at, sum(e.load_kg * e.reps for _, e in entries))
    sessions = () if history.best_session is None else (history.best_session,)
    volume = detect_volume_pr(tonnage, sessions)
    found.append(RecordFound(exercise, PrKind.VOLUME, 0, workout_id, volume))
    return [r for r in found if r.result.is_pr]


def find_workout_records(
    workout_id: str,
    performed_at: datetime,
    sets: Sequence[tuple[str, LoggedSet]],
    history: Mapping[str, ExerciseHistory],
) -> list[RecordFound]:
    """PRs of one workout; ``history`` maps exercise to its earlier sets."""
    working = set(select_working_sets(s for _, s in sets))
    by_exercise: dict[str, list[tuple[str, LoggedSet]]] = {}
    for set_id, logged in sets:
        if logged in working and logged.reps > 0:
            by_exercise.setdefault(logged.exercise, []).append((set_id, logged))
    found: list[RecordFound] = []
    for exercise, exercise_sets in sorted(by_exercise.items()):
        found += _exercise_records(
            exercise,
            performed_at,
            exercise_sets,
            history.get(exercise, NO_HISTORY),
            workout_id,
        )
    return found


def find_benchmark_record(
    result: BenchmarkRecord, history: Sequence[BenchmarkRecord]
) -> RecordFound | None:
    """A benchmark PR against earlier results of the same benchmark."""
    goal = (
        BenchmarkGoal.LOWER_IS_BETTER
        if result.lower_is_better
        else BenchmarkGoal.HIGHER_IS_BETTER
    )
    earlier = [
        DatedResult(b.performed_at, b.value) for b in history if b.code == result.code
    ]
    pr = detect_benchmark_pr(
        DatedResult(result.performed_at, result.value), earlier, goal=goal
    )
    if not pr.is_pr:
        return None
    return RecordFound(result.code, PrKind.BENCHMARK, 0, result.benchmark_id, pr)
