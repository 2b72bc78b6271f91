"""PRs set by one workout or benchmark (workout_records, §1.5)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain import records
from app.domain.records import DatedResult, LiftEntry, PrKind
from app.domain.training_log import BenchmarkRecord
from app.domain.values import LoggedSet
from app.domain.workout_records import (
    ExerciseHistory,
    find_benchmark_record,
    find_workout_records,
    summarize_history,
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
    history = {SQUAT: summarize_history([to_lift_entry(EARLIER, squat(100, 5))], NOW)}
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
    earlier = [to_lift_entry(EARLIER, s) for _, s in WORKOUT[1:]]
    history = {SQUAT: summarize_history(earlier, NOW)}
    assert find_workout_records("w2", NOW, WORKOUT, history) == []


def test_history_keeps_the_heaviest_set_per_reps_and_rir_before_the_workout() -> None:
    later = NOW + timedelta(days=1)
    entries = [
        LiftEntry(EARLIER, 100, 5, 2.0),
        LiftEntry(EARLIER + timedelta(days=1), 102.5, 5, 2.0),  # 5 reps @ RIR 2
        LiftEntry(EARLIER, 110, 5, 1.0),  # another RIR: its own row
        LiftEntry(EARLIER, 90, 8, None),
        LiftEntry(NOW, 200, 5, 2.0),  # same time as the workout: not earlier
        LiftEntry(later, 300, 5, 2.0),  # a later workout: ignored
    ]
    history = summarize_history(entries, NOW)
    assert sorted((e.reps, e.rir or 0, e.load_kg) for e in history.top_sets) == [
        (5, 1.0, 110),
        (5, 2.0, 102.5),
        (8, 0, 90),
    ]
    # sessions: EARLIER 100x5 + 110x5 + 90x8 = 1770; a day later 512.5
    assert history.best_session == DatedResult(EARLIER, 1770)


def test_history_of_nothing_earlier_is_empty() -> None:
    later = [LiftEntry(NOW, 100, 5), LiftEntry(NOW + timedelta(days=3), 100, 5)]
    assert summarize_history(later, NOW) == ExerciseHistory()
    found = find_workout_records("w1", NOW, WORKOUT, {SQUAT: ExerciseHistory()})
    assert found
    assert all(r.result.is_baseline for r in found)


LOADS = (60, 80, 95, 100, 100.5, 102.5, 105, 110)
REPS = (0, 1, 3, 5, 8, 10, 12, 15)
RIRS = (None, 0.0, 1.0, 2.0, 3.0, 4.0)
# Sets from 40 days before NOW to 4 days after it (later ones must be ignored),
# several on a day; few distinct loads and reps, so ties are frequent.
lift_entries = st.builds(
    LiftEntry,
    st.integers(min_value=-40, max_value=4).map(lambda d: NOW + timedelta(days=d)),
    st.sampled_from(LOADS),
    st.sampled_from(REPS),
    st.sampled_from(RIRS),
)


def session_tonnage(entries: list[LiftEntry]) -> list[DatedResult]:
    by_day: dict[datetime, float] = {}
    for e in entries:
        by_day[e.performed_at] = by_day.get(e.performed_at, 0.0) + e.load_kg * e.reps
    return [DatedResult(day, value) for day, value in by_day.items()]


@given(entries=st.lists(lift_entries, max_size=32), new_rir=st.sampled_from(RIRS))
@example(entries=[], new_rir=None)
# A tie with an earlier identical set (same load and reps, other RIR).
@example(
    entries=[
        LiftEntry(NOW - timedelta(days=1), 100, 5, 2.0),
        LiftEntry(NOW - timedelta(days=1), 100, 5, None),
    ],
    new_rir=1.0,
)
# Only sets after NOW (ignored), and a zero-rep set.
@example(entries=[LiftEntry(NOW + timedelta(days=2), 110, 12, 0.0)], new_rir=None)
@example(entries=[LiftEntry(NOW - timedelta(days=3), 100.5, 0, None)], new_rir=2.0)
def test_judging_against_the_summary_equals_judging_against_every_set(
    entries: list[LiftEntry], new_rir: float | None
) -> None:
    """The reduction is exact: same PR decision, value and previous best as
    the §1.5 checks over the full history (ties and first entries included)."""
    history = summarize_history(entries, NOW)
    sessions = [] if history.best_session is None else [history.best_session]
    for load in (95, 100, 102.5, 110):
        for reps in (1, 3, 5, 8, 12):
            entry = LiftEntry(NOW, load, reps, new_rir)
            assert records.detect_rep_pr(entry, history.top_sets) == (
                records.detect_rep_pr(entry, entries)
            )
            assert records.detect_e1rm_pr(entry, history.top_sets) == (
                records.detect_e1rm_pr(entry, entries)
            )
    for tonnage in (0.0, 500.0, 1000.0, 1500.0, 2500.0):
        new = DatedResult(NOW, tonnage)
        assert records.detect_volume_pr(new, sessions) == (
            records.detect_volume_pr(new, session_tonnage(entries))
        )


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
