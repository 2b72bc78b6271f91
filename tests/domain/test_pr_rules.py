"""Issue 18 items 4 and 5: one PR per exercise per session for the score (§1.7),
one qualifying-set rule for e1RM PRs and the strength score (§1.1)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.records import PrKind, count_scoring_prs
from app.domain.strength import estimate_best_one_rep_max, is_qualifying_set
from app.domain.values import LoggedSet
from app.domain.workout_records import (
    find_workout_records,
    summarize_history,
    to_lift_entry,
)

EARLIER = datetime(2026, 3, 1, 18, tzinfo=UTC)
NOW = datetime(2026, 3, 8, 18, tzinfo=UTC)
SQUAT = "back_squat"


class TestOnePrPerExercisePerSession:
    def test_three_variants_on_one_exercise_in_one_session_count_once(self) -> None:
        prs = [(SQUAT, NOW)] * 3  # e1RM, rep and volume PR of one workout
        assert count_scoring_prs(prs) == 1

    def test_two_exercises_or_two_sessions_count_separately(self) -> None:
        later = NOW + timedelta(days=2)
        prs = [(SQUAT, NOW), (SQUAT, NOW), ("bench_press", NOW), (SQUAT, later)]
        assert count_scoring_prs(prs) == 3

    def test_a_benchmark_pr_is_one_more(self) -> None:
        assert count_scoring_prs([(SQUAT, NOW), ("row_2k", NOW)]) == 2

    def test_no_prs(self) -> None:
        assert count_scoring_prs([]) == 0


def squat(load: float, reps: int, **kw: object) -> LoggedSet:
    return LoggedSet(SQUAT, load, reps, **kw)  # type: ignore[arg-type]


HISTORY = {
    SQUAT: summarize_history([to_lift_entry(EARLIER, squat(100, 5, rpe=8))], NOW)
}


@pytest.mark.parametrize(
    ("logged", "qualifies"),
    [
        (squat(102.5, 5), False),  # unrated: no RPE, no RIR, not to failure
        (squat(102.5, 5, rpe=8), True),
        (squat(102.5, 5, rir=2.0), True),
        (squat(102.5, 5, to_failure=True), True),
        (squat(102.5, 5, rpe=8, is_warmup=True), False),
    ],
)
def test_one_qualifying_set_rule(logged: LoggedSet, qualifies: bool) -> None:
    assert is_qualifying_set(logged) is qualifies


@pytest.mark.parametrize(
    ("logged", "e1rm_pr"),
    [
        (squat(102.5, 5), False),  # issue 18: the unrated 102.5 x 5
        (squat(102.5, 5, rpe=10), False),  # rated, 119.58 < 123.33 + 0.62: no PR
        (squat(110, 5, to_failure=True), True),  # 128.33
        (squat(110, 5, rpe=8), True),
        (squat(110, 5, rpe=7), True),  # RPE 7 = RIR 3: still adjusted
        (squat(130, 5, rpe=6.5), False),  # RIR 3.5: no estimate at all
    ],
)
def test_e1rm_pr_and_strength_score_read_the_same_sets(
    logged: LoggedSet, e1rm_pr: bool
) -> None:
    found = find_workout_records("w", NOW, [("s", logged)], HISTORY)
    kinds = {r.kind for r in found}
    assert (PrKind.E1RM in kinds) is e1rm_pr
    estimate = estimate_best_one_rep_max([logged])
    if e1rm_pr:
        assert estimate is not None
        [pr] = [r for r in found if r.kind is PrKind.E1RM]
        assert pr.result.value == pytest.approx(estimate.value_kg)
    else:
        assert estimate is None or estimate.value_kg < 123.33 + 0.62


def test_unrated_set_still_sets_a_rep_pr() -> None:
    found = find_workout_records("w", NOW, [("s", squat(102.5, 5))], HISTORY)
    assert [(r.kind, r.rep_bucket) for r in found] == [
        (PrKind.REP, 5),
        (PrKind.VOLUME, 0),
    ]


def test_unrated_history_does_not_set_the_e1rm_bar() -> None:
    unrated = to_lift_entry(EARLIER, squat(140, 5))  # would be e1RM 163.33
    history = {SQUAT: summarize_history([unrated], NOW)}
    found = find_workout_records("w", NOW, [("s", squat(110, 5, rpe=8))], history)
    [e1rm] = [r for r in found if r.kind is PrKind.E1RM]
    # nothing qualifying before: a silent baseline, not "beats 163.33"
    assert (e1rm.result.previous_best, e1rm.result.notify) == (None, False)
