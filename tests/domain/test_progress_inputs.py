"""Raw inputs of the progress score from a member's log (progress_inputs, §1.7)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.adherence import SessionKind, WeeklyPlan
from app.domain.progress import compute_progress_score
from app.domain.progress_inputs import (
    build_endurance_progress,
    build_lift_progress,
    build_progress_inputs,
)
from app.domain.training_log import BenchmarkRecord, WorkoutRecord
from app.domain.values import LoggedSet

TODAY = date(2026, 3, 18)  # a Wednesday
STRENGTH_ONLY = WeeklyPlan(strength=2, aerobic_minutes=0)


def at(days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def lift(days_ago: int, *sets: tuple[str, float, int]) -> WorkoutRecord:
    logged = tuple(
        (f"s{days_ago}-{i}", LoggedSet(ex, load, reps, rpe=10))
        for i, (ex, load, reps) in enumerate(sets)
    )
    return WorkoutRecord(
        f"w{days_ago}", at(days_ago), "UTC", SessionKind.STRENGTH, 60, 7, sets=logged
    )


def test_key_lifts_compare_the_last_8_weeks_with_the_8_before() -> None:
    workouts = [
        lift(70, ("squat", 100, 1), ("bench", 80, 1)),
        lift(10, ("squat", 110, 1), ("bench", 76, 1)),
        lift(5, ("squat", 105, 1), ("row", 60, 1)),  # row: no earlier window
    ]
    lifts = build_lift_progress(workouts, TODAY)
    assert [(p.lift, p.previous_e1rm_kg, p.current_e1rm_kg) for p in lifts] == [
        ("squat", 100, 110),  # most-trained first
        ("bench", 80, 76),
    ]


def test_inputs_feed_an_explainable_score() -> None:
    workouts = [
        lift(d, ("squat", 100 + (d < 28) * 10, 1)) for d in (3, 5, 10, 12, 30, 33, 60)
    ]
    inputs = build_progress_inputs(
        workouts, [], today=TODAY, prs_last_28_days=2, plan=STRENGTH_ONLY
    )
    # tonnage: 4 sessions x 110 = 440 kg vs 2 x 100 = 200 kg before (+120 %)
    assert (inputs.tonnage_last_4_weeks_kg, inputs.tonnage_previous_4_weeks_kg) == (
        440,
        200,
    )
    # the 4 ISO weeks before this one hold 2, 2, 0 and 1 sessions (plan: 2 days)
    assert inputs.adherence == pytest.approx((1 + 1 + 0 + 0.5) / 4)
    assert inputs.endurance is None
    score = compute_progress_score(inputs)
    assert {c.component.value for c in score.components} == {
        "strength",
        "adherence",
        "prs",
        "volume",
    }


def test_volume_is_missing_without_an_earlier_window() -> None:
    inputs = build_progress_inputs(
        [lift(3, ("squat", 100, 5))],
        [],
        today=TODAY,
        prs_last_28_days=0,
        plan=STRENGTH_ONLY,
    )
    assert inputs.tonnage_last_4_weeks_kg is None
    assert inputs.tonnage_previous_4_weeks_kg is None


def row(days_ago: int, seconds: float, code: str = "row_2k") -> BenchmarkRecord:
    return BenchmarkRecord(f"b{days_ago}", code, at(days_ago), "UTC", seconds, True)


def test_endurance_uses_the_best_time_of_each_4_week_window() -> None:
    found = build_endurance_progress(
        [row(40, 440), row(35, 430), row(10, 425), row(2, 420)], TODAY
    )
    assert found is not None
    assert (found.benchmark, found.previous_time_s, found.current_time_s) == (
        "row_2k",
        430,
        420,
    )


@pytest.mark.parametrize(
    "results",
    [[], [row(2, 420)], [row(40, 430)], [row(40, 430), row(2, 420, code="run_5k")]],
)
def test_endurance_needs_both_windows_of_the_latest_benchmark(
    results: list[BenchmarkRecord],
) -> None:
    assert build_endurance_progress(results, TODAY) is None
