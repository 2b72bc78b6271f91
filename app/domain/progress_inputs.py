"""Build the progress score's raw inputs from a member's log (domain-methods §1.7).

Windows end with ``today`` (the member's local date of the scored period):
strength compares the best e1RM of the key lifts over the last 8 weeks with the
8 weeks before; volume compares tonnage over the last 4 weeks with the 4 before;
endurance compares the best time on the latest timed benchmark over the last 4
weeks with the 4 before; adherence is the 4-week score of ``adherence``.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from .adherence import SessionKind, SessionRecord, WeeklyPlan, compute_adherence_score
from .progress import BenchmarkProgress, LiftProgress, ProgressInputs
from .strength import estimate_best_one_rep_max
from .training_log import BenchmarkRecord, WorkoutRecord
from .values import LoggedSet
from .volume import summarize_volume

STRENGTH_WINDOW_DAYS = 56
SHORT_WINDOW_DAYS = 28
KEY_LIFTS = 3


def _window(today: date, days: int, back: int) -> tuple[date, date]:
    """The ``days``-long window ending ``back`` windows before ``today``."""
    end = today - timedelta(days=days * back)
    return end - timedelta(days=days - 1), end


def _in(day: date, window: tuple[date, date]) -> bool:
    return window[0] <= day <= window[1]


def _sets_by_exercise(
    workouts: Sequence[WorkoutRecord], window: tuple[date, date]
) -> dict[str, list[LoggedSet]]:
    found: dict[str, list[LoggedSet]] = {}
    for workout in workouts:
        if _in(workout.local_day, window):
            for _, logged in workout.sets:
                found.setdefault(logged.exercise, []).append(logged)
    return found


def build_lift_progress(
    workouts: Sequence[WorkoutRecord], today: date
) -> tuple[LiftProgress, ...]:
    """Key lifts: the most-trained exercises with an e1RM in both 8-week windows."""
    current = _sets_by_exercise(workouts, _window(today, STRENGTH_WINDOW_DAYS, 0))
    previous = _sets_by_exercise(workouts, _window(today, STRENGTH_WINDOW_DAYS, 1))
    lifts = []
    for exercise in sorted(current, key=lambda e: (-len(current[e]), e)):
        now = estimate_best_one_rep_max(current[exercise])
        before = estimate_best_one_rep_max(previous.get(exercise, []))
        if now is not None and before is not None and before.value_kg > 0:
            lifts.append(LiftProgress(exercise, before.value_kg, now.value_kg))
    return tuple(lifts[:KEY_LIFTS])


def _tonnage(workouts: Sequence[WorkoutRecord], window: tuple[date, date]) -> float:
    return sum(
        summarize_volume(logged for _, logged in w.sets).tonnage_kg
        for w in workouts
        if _in(w.local_day, window)
    )


def build_endurance_progress(
    benchmarks: Sequence[BenchmarkRecord], today: date
) -> BenchmarkProgress | None:
    """Best time on the latest timed benchmark: last 4 weeks vs the 4 before."""
    timed = [b for b in benchmarks if b.lower_is_better and b.local_day <= today]
    if not timed:
        return None
    code = max(timed, key=lambda b: b.performed_at).code
    now_w = _window(today, SHORT_WINDOW_DAYS, 0)
    before_w = _window(today, SHORT_WINDOW_DAYS, 1)
    now = [b.value for b in timed if b.code == code and _in(b.local_day, now_w)]
    before = [b.value for b in timed if b.code == code and _in(b.local_day, before_w)]
    if not now or not before or min(now) <= 0 or min(before) <= 0:
        return None
    return BenchmarkProgress(code, min(before), min(now))


def build_progress_inputs(
    workouts: Sequence[WorkoutRecord],
    benchmarks: Sequence[BenchmarkRecord],
    *,
    today: date,
    prs_last_28_days: int,
    plan: WeeklyPlan,
    joined_on: date | None = None,
) -> ProgressInputs:
    """Every contributor's raw input; missing data stays None / empty."""
    sessions = [
        SessionRecord(w.performed_at, w.tz, w.kind, w.minutes)
        for w in workouts
        if w.local_day <= today
    ]
    adherence = compute_adherence_score(sessions, today, plan, joined_on=joined_on)
    strength_workouts = [w for w in workouts if w.kind is SessionKind.STRENGTH]
    recent = _tonnage(strength_workouts, _window(today, SHORT_WINDOW_DAYS, 0))
    earlier = _tonnage(strength_workouts, _window(today, SHORT_WINDOW_DAYS, 1))
    return ProgressInputs(
        lifts=build_lift_progress(strength_workouts, today),
        adherence=adherence.score,
        prs_last_28_days=prs_last_28_days,
        tonnage_last_4_weeks_kg=recent if earlier else None,
        tonnage_previous_4_weeks_kg=earlier if earlier else None,
        endurance=build_endurance_progress(benchmarks, today),
    )
