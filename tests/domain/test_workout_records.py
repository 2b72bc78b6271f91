"""PRs set by one workout or benchmark (workout_records, §1.5)."""

from datetime import UTC, datetime

import pytest

from app.domain.records import LiftEntry, PrKind
from app.domain.training_log import BenchmarkRecord
from app.domain.values import LoggedSet
from app.domain.workout_records import (
    find_benchmark_record,
    find_workout_records,
    to_lift_entry,
)

EARLIER = datetime(2026, 3, 1, 18, tzinfo=UTC)
NOW = datetime(2026, 3, 8, 18, tzinfo=UTC)
SQUAT = "back_squat"


def squat(load: float, reps: int, rpe: float | None = 8, **kw: bool) -> LoggedSet:
    return LoggedSet(SQUAT, load, reps, rpe=rpe, **kw)


WORKOUT = [
    ("s1", squat(40, 5, None, is_warmup=True)),
    ("s2", squat(105, 5)),
    ("s3", squat(100, 8, 9)),
]


def test_e1rm_rep_and_volume_prs_against_earlier_history() -> None:
    history = {SQUAT: [to_lift_entry(EARLIER, squat(100, 5))]}
    found = find_workout_records("w1", NOW, WORKOUT, history)
    summary = [
        (r.kind, r.rep_bucket, r.source_id, round(r.result.value or 0, 2), r.result.previous_best)
        for r in found
    ]  # fmt: skip
    assert summary == [
        # 100 x 8 @ RPE 9 -> 9 effective reps -> Epley 130.00 beats 123.33 (100x5@8)
        (PrKind.E1RM, 0, "s3", 130.0, pytest.approx(123.33, abs=0.01)),
        (PrKind.REP, 5, "s2", 105.0, 100.0),
        (PrKind.REP, 8, "s3", 100.0, None),  # first set of >= 8 reps
        (PrKind.VOLUME, 0, "w1", 1325.0, 500.0),  # warm-up excluded
    ]
    assert all(r.result.notify for r in found)


def test_first_ever_exercise_is_stored_as_silent_baselines() -> None:
    found = find_workout_records("w1", NOW, WORKOUT, {})
    assert {r.kind for r in found} == {PrKind.E1RM, PrKind.REP, PrKind.VOLUME}
    assert all(r.result.is_baseline and not r.result.notify for r in found)


def test_equal_or_lower_sets_are_not_records() -> None:
    history = {SQUAT: [to_lift_entry(EARLIER, s) for _, s in WORKOUT[1:]]}
    assert find_workout_records("w2", NOW, WORKOUT, history) == []


def test_rir_comes_from_rpe_when_not_logged() -> None:
    assert to_lift_entry(NOW, squat(100, 5, 8.5)).rir == 1.5
    assert to_lift_entry(NOW, LoggedSet(SQUAT, 100, 5, rpe=9, rir=3)).rir == 3
    assert to_lift_entry(NOW, squat(100, 5, None)).rir is None


def bench(value: float, at: datetime, lower: bool = True) -> BenchmarkRecord:
    return BenchmarkRecord(f"b{value}", "row_2k", at, "UTC", value, lower)


@pytest.mark.parametrize(
    ("new", "old", "lower", "is_pr"),
    [
        (420, 430, True, True),
        (430, 420, True, False),
        (420, 420, True, False),
        (30, 25, False, True),
    ],
)
def test_benchmark_pr_follows_the_direction(
    new: float, old: float, lower: bool, is_pr: bool
) -> None:
    found = find_benchmark_record(bench(new, NOW, lower), [bench(old, EARLIER, lower)])
    assert (found is not None) is is_pr
    if found is not None:
        assert (found.kind, found.exercise, found.result.previous_best) == (
            PrKind.BENCHMARK, "row_2k", old,
        )  # fmt: skip


def test_first_benchmark_is_a_silent_baseline() -> None:
    found = find_benchmark_record(bench(420, NOW), [])
    assert found is not None
    assert found.result.is_baseline
    assert not found.result.notify


def test_entries_are_lift_entries() -> None:
    assert to_lift_entry(NOW, squat(100, 5)) == LiftEntry(NOW, 100, 5, 2.0)
