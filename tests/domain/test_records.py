"""PR detection: doc §1.5 (rep, e1RM, volume and benchmark PRs)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import records
from app.domain.errors import DomainInputError
from app.domain.records import BenchmarkGoal, DatedResult, LiftEntry, PrKind
from app.domain.strength import E1rmFormula

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def at(day: int) -> datetime:
    return T0 + timedelta(days=day)


class TestRepPr:
    @pytest.mark.parametrize(
        ("load", "reps", "history", "is_pr", "previous"),
        [
            # doc: 105 x 5 beats 102.5 x 5 and 102.5 x 8 for the 5-rep record
            (105, 5, [(102.5, 5), (102.5, 8)], True, 102.5),
            (102.5, 5, [(102.5, 5)], False, 102.5),  # tie is not a PR
            (100, 5, [(102.5, 8)], False, 102.5),  # 102.5 done for more reps
            (110, 3, [(100, 5)], True, 100),
            (90, 10, [(100, 5)], True, None),  # first set of >= 10 reps
        ],
    )
    def test_heavier_than_any_load_for_at_least_as_many_reps(
        self,
        load: float,
        reps: int,
        history: list[tuple[float, int]],
        is_pr: bool,
        previous: float | None,
    ) -> None:
        earlier = [LiftEntry(at(i), w, r) for i, (w, r) in enumerate(history)]
        result = records.detect_rep_pr(LiftEntry(at(10), load, reps), earlier)
        assert (result.is_pr, result.notify, result.is_baseline) == (
            is_pr,
            is_pr,
            False,
        )
        assert result.previous_best == previous
        assert result.kind is PrKind.REP

    def test_first_ever_entry_is_stored_but_not_notified(self) -> None:
        result = records.detect_rep_pr(LiftEntry(at(0), 60, 5), [])
        assert (result.is_pr, result.notify, result.is_baseline) == (True, False, True)
        assert result.value == 60

    def test_only_history_dated_before_counts(self) -> None:
        later = LiftEntry(at(5), 120, 5)
        same_time = LiftEntry(at(0), 130, 5)
        result = records.detect_rep_pr(LiftEntry(at(0), 100, 5), [later, same_time])
        assert result.is_baseline

    def test_failed_set_is_never_a_pr(self) -> None:
        result = records.detect_rep_pr(LiftEntry(at(1), 200, 0), [])
        assert (result.is_pr, result.notify, result.value) == (False, False, None)

    @pytest.mark.parametrize(
        ("entry", "history"),
        [
            (LiftEntry(datetime(2026, 3, 2), 100, 5), []),
            (LiftEntry(at(1), 100, 5), [LiftEntry(datetime(2026, 3, 1), 90, 5)]),
            (LiftEntry(at(1), -100, 5), []),
            (LiftEntry(at(1), 100, -5), []),
        ],
    )
    def test_rejects_bad_input(
        self, entry: LiftEntry, history: list[LiftEntry]
    ) -> None:
        with pytest.raises(DomainInputError):
            records.detect_rep_pr(entry, history)


class TestE1rmPr:
    @pytest.mark.parametrize(
        ("previous", "new", "is_pr"),
        [
            # 116.67 kg best: margin = max(0.5 kg, 0.5 % = 0.58 kg)
            ((100, 5), (100.4, 5), False),  # +0.47 kg
            ((100, 5), (100.6, 5), True),  # +0.70 kg
            ((100, 5), (100, 5), False),  # tie
            # 46.67 kg best: 0.5 kg dominates 0.5 % (0.23 kg)
            ((40, 5), (40.4, 5), False),  # +0.47 kg
            ((40, 5), (41, 5), True),  # +1.17 kg
            ((100, 15), (80, 5), True),  # no earlier estimate (15 reps)
        ],
    )
    def test_beats_previous_best_by_more_than_tolerance(
        self, previous: tuple[float, int], new: tuple[float, int], is_pr: bool
    ) -> None:
        result = records.detect_e1rm_pr(
            LiftEntry(at(1), *new), [LiftEntry(at(0), *previous)]
        )
        assert (result.is_pr, result.notify, result.is_baseline) == (
            is_pr,
            is_pr,
            False,
        )

    def test_tolerance_can_be_set_to_zero(self) -> None:
        result = records.detect_e1rm_pr(
            LiftEntry(at(1), 100.4, 5),
            [LiftEntry(at(0), 100, 5)],
            tolerance_kg=0,
            tolerance_pct=0,
        )
        assert result.is_pr

    def test_uses_the_chosen_formula_and_rir(self) -> None:
        result = records.detect_e1rm_pr(
            LiftEntry(at(1), 100, 5, rir=2), [], formula=E1rmFormula.BRZYCKI
        )
        assert result.value == pytest.approx(100 * 36 / 30)
        assert result.is_baseline

    def test_set_without_estimate_is_not_a_pr(self) -> None:
        result = records.detect_e1rm_pr(LiftEntry(at(1), 50, 13), [])
        assert (result.is_pr, result.notify, result.value) == (False, False, None)


class TestBestResultPrs:
    @pytest.mark.parametrize(
        ("goal", "value", "earlier", "is_pr"),
        [
            (BenchmarkGoal.LOWER_IS_BETTER, 418.0, [420.0, 425.0], True),
            (BenchmarkGoal.LOWER_IS_BETTER, 420.0, [420.0, 425.0], False),
            (BenchmarkGoal.LOWER_IS_BETTER, 430.0, [420.0], False),
            (BenchmarkGoal.HIGHER_IS_BETTER, 51.0, [50.0], True),
            (BenchmarkGoal.HIGHER_IS_BETTER, 50.0, [50.0], False),
        ],
    )
    def test_benchmark_pr(
        self, goal: BenchmarkGoal, value: float, earlier: list[float], is_pr: bool
    ) -> None:
        history = [DatedResult(at(i), v) for i, v in enumerate(earlier)]
        result = records.detect_benchmark_pr(
            DatedResult(at(9), value), history, goal=goal
        )
        assert (result.is_pr, result.notify) == (is_pr, is_pr)
        assert result.kind is PrKind.BENCHMARK

    def test_benchmark_defaults_to_faster_time(self) -> None:
        history = [DatedResult(at(0), 420.0)]
        assert records.detect_benchmark_pr(DatedResult(at(1), 419.9), history).is_pr

    @pytest.mark.parametrize(("tonnage", "is_pr"), [(4311.0, True), (4310.0, False)])
    def test_volume_pr(self, tonnage: float, is_pr: bool) -> None:
        history = [DatedResult(at(0), 4310.0), DatedResult(at(1), 3000.0)]
        result = records.detect_volume_pr(DatedResult(at(2), tonnage), history)
        assert (result.is_pr, result.kind) == (is_pr, PrKind.VOLUME)

    def test_first_benchmark_is_a_baseline(self) -> None:
        result = records.detect_benchmark_pr(DatedResult(at(0), 420.0), [])
        assert (result.is_pr, result.notify, result.is_baseline) == (True, False, True)
