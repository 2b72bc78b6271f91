"""e1RM and relative-strength points: doc §1.1, §1.2 and golden cases §7.1, §7.2."""

import math

import pytest

from app.domain import strength
from app.domain.errors import DomainInputError
from app.domain.strength import E1rmFormula, Equipment, LiftEvent, WilksVersion
from app.domain.values import LoggedSet, Sex

F = E1rmFormula


class TestEstimateOneRepMax:
    @pytest.mark.parametrize(
        ("formula", "load", "reps", "expected"),
        [
            (F.EPLEY, 100, 5, 116.67),
            (F.BRZYCKI, 100, 5, 112.50),
            (F.LANDER, 100, 5, 113.71),
            (F.LOMBARDI, 100, 5, 117.46),
            (F.MAYHEW, 100, 5, 119.01),
            (F.OCONNER, 100, 5, 112.50),
            (F.WATHAN, 100, 5, 116.58),
            (F.EPLEY, 60, 10, 80.00),
            (F.BRZYCKI, 60, 10, 80.00),
            (F.LANDER, 60, 10, 80.44),
            (F.LOMBARDI, 60, 10, 75.54),
            (F.MAYHEW, 60, 10, 78.56),
            (F.OCONNER, 60, 10, 75.00),
            (F.WATHAN, 60, 10, 80.85),
        ],
    )
    def test_matches_doc_section_7_1(
        self, formula: E1rmFormula, load: float, reps: int, expected: float
    ) -> None:
        estimate = strength.estimate_one_rep_max(load, reps, formula=formula)
        assert estimate is not None
        assert estimate.value_kg == pytest.approx(expected, abs=0.01)
        assert estimate.formula is formula

    def test_epley_is_the_default(self) -> None:
        estimate = strength.estimate_one_rep_max(100, 5)
        assert estimate is not None
        assert estimate.formula is F.EPLEY

    def test_epley_equals_brzycki_at_ten_reps(self) -> None:
        epley = strength.estimate_one_rep_max(60, 10, formula=F.EPLEY)
        brzycki = strength.estimate_one_rep_max(60, 10, formula=F.BRZYCKI)
        assert epley is not None
        assert brzycki is not None
        assert epley.value_kg == pytest.approx(brzycki.value_kg)

    @pytest.mark.parametrize("formula", list(E1rmFormula))
    def test_one_rep_returns_the_load_unchanged(self, formula: E1rmFormula) -> None:
        estimate = strength.estimate_one_rep_max(107.5, 1, formula=formula)
        assert estimate is not None
        assert estimate.value_kg == 107.5

    @pytest.mark.parametrize(
        ("reps", "has_estimate", "low_confidence"),
        [(2, True, False), (10, True, False), (11, True, True), (12, True, True),
         (13, False, None), (15, False, None), (0, False, None)],
    )  # fmt: skip
    def test_rep_range_rules(
        self, reps: int, has_estimate: bool, low_confidence: bool | None
    ) -> None:
        estimate = strength.estimate_one_rep_max(50, reps)
        assert (estimate is not None) is has_estimate
        if estimate is not None:
            assert estimate.low_confidence is low_confidence

    def test_fifty_kg_for_fifteen_gives_no_estimate(self) -> None:
        assert strength.estimate_one_rep_max(50, 15) is None

    @pytest.mark.parametrize(
        ("reps", "rir", "expected"),
        [(5, 2, 100 * (1 + 7 / 30)), (1, 0, 100.0), (5, 3, 100 * (1 + 8 / 30)),
         (5, 4, None), (10, 3, None), (9, 3, 100 * (1 + 12 / 30))],
    )  # fmt: skip
    def test_rir_adds_to_reps_up_to_three(
        self, reps: int, rir: float, expected: float | None
    ) -> None:
        estimate = strength.estimate_one_rep_max(100, reps, rir=rir)
        value = None if estimate is None else estimate.value_kg
        assert value == (None if expected is None else pytest.approx(expected))

    @pytest.mark.parametrize(
        ("load", "reps", "rir"),
        [(-1, 5, None), (math.nan, 5, None), (math.inf, 5, None), (100, -1, None),
         (100, 2.5, None), (100, True, None), (100, 5, -1)],
    )  # fmt: skip
    def test_rejects_bad_input(self, load: float, reps: int, rir: float | None) -> None:
        with pytest.raises(DomainInputError):
            strength.estimate_one_rep_max(load, reps, rir=rir)

    def test_error_message_does_not_echo_the_value(self) -> None:
        with pytest.raises(DomainInputError) as caught:
            strength.estimate_one_rep_max(-123.45, 5)
        assert "123" not in str(caught.value)


class TestEstimateBestOneRepMax:
    def test_takes_the_max_over_qualifying_sets(self) -> None:
        sets = [
            LoggedSet("squat", 60, 5, is_warmup=True, to_failure=True),
            LoggedSet("squat", 100, 5, to_failure=True),
            LoggedSet("squat", 105, 3, rpe=9),  # RIR 1 -> 4 effective reps
            LoggedSet("squat", 110, 3, rpe=6),  # RIR 4: too far from failure
            LoggedSet("squat", 120, 2),  # not rated, not to failure
        ]
        best = strength.estimate_best_one_rep_max(sets)
        assert best is not None
        assert best.value_kg == pytest.approx(105 * (1 + 4 / 30))

    def test_no_qualifying_sets_gives_none(self) -> None:
        assert strength.estimate_best_one_rep_max([LoggedSet("row", 60, 10)]) is None
        assert strength.estimate_best_one_rep_max([]) is None

    @pytest.mark.parametrize(
        "sets",
        [
            [LoggedSet("squat", 100, 5, rpe=11)],
            [LoggedSet("squat", 100, 5, to_failure=True),
             LoggedSet("bench", 80, 5, to_failure=True)],
        ],
    )  # fmt: skip
    def test_rejects_bad_sets(self, sets: list[LoggedSet]) -> None:
        with pytest.raises(DomainInputError):
            strength.estimate_best_one_rep_max(sets)


def test_converts_pounds_to_kilograms() -> None:
    assert strength.convert_lb_to_kg(225) == pytest.approx(102.05828325)


class TestRelativeStrength:
    @pytest.mark.parametrize(
        ("sex", "bodyweight", "total", "wilks2020", "dots", "gl", "wilks", "ratio"),
        [
            (Sex.MALE, 90, 600, 460.20, 387.96, 79.77, 383.04, 6.667),
            (Sex.FEMALE, 60, 350, 461.66, 387.99, 79.11, 390.21, 5.833),
            (Sex.MALE, 100, 1000, 729.36, 615.52, 126.33, 608.59, 10.000),
        ],
    )
    def test_matches_doc_section_7_2_table(
        self,
        sex: Sex,
        bodyweight: float,
        total: float,
        wilks2020: float,
        dots: float,
        gl: float,
        wilks: float,
        ratio: float,
    ) -> None:
        original = strength.compute_wilks(
            total, bodyweight, sex, version=WilksVersion.ORIGINAL
        )
        assert strength.compute_wilks(total, bodyweight, sex) == pytest.approx(
            wilks2020, abs=0.01
        )
        assert strength.compute_dots(total, bodyweight, sex) == pytest.approx(
            dots, abs=0.01
        )
        assert strength.compute_ipf_gl_points(total, bodyweight, sex) == pytest.approx(
            gl, abs=0.01
        )
        assert original == pytest.approx(wilks, abs=0.01)
        assert strength.compute_bodyweight_ratio(total, bodyweight) == pytest.approx(
            ratio, abs=0.001
        )

    @pytest.mark.parametrize(
        ("sex", "bodyweight", "total", "expected", "tolerance"),
        [(Sex.MALE, 100, 1000, 608.58907, 1e-5), (Sex.FEMALE, 60, 500, 557.4434, 1e-4)],
    )
    def test_original_wilks_matches_openpowerlifting(
        self,
        sex: Sex,
        bodyweight: float,
        total: float,
        expected: float,
        tolerance: float,
    ) -> None:
        points = strength.compute_wilks(
            total, bodyweight, sex, version=WilksVersion.ORIGINAL
        )
        assert points == pytest.approx(expected, abs=tolerance)

    @pytest.mark.parametrize(
        ("sex", "equipment", "event", "bodyweight", "total", "expected"),
        [
            (Sex.MALE, Equipment.EQUIPPED, LiftEvent.TOTAL, 92.04, 1035, 112.85),
            (Sex.FEMALE, Equipment.CLASSIC, LiftEvent.BENCH, 70.5, 122.5, 96.78),
        ],
    )
    def test_ipf_gl_matches_openpowerlifting(
        self,
        sex: Sex,
        equipment: Equipment,
        event: LiftEvent,
        bodyweight: float,
        total: float,
        expected: float,
    ) -> None:
        points = strength.compute_ipf_gl_points(
            total, bodyweight, sex, equipment=equipment, event=event
        )
        assert points == pytest.approx(expected, abs=0.005)

    @pytest.mark.parametrize(
        ("sex", "outside", "edge", "version"),
        [
            (Sex.MALE, 250.0, 200.95, WilksVersion.WILKS_2020),
            (Sex.MALE, 30.0, 40.0, WilksVersion.WILKS_2020),
            (Sex.FEMALE, 170.0, 150.95, WilksVersion.WILKS_2020),
            (Sex.MALE, 230.0, 201.9, WilksVersion.ORIGINAL),
            (Sex.FEMALE, 20.0, 26.51, WilksVersion.ORIGINAL),
        ],
    )
    def test_wilks_clamps_bodyweight(
        self, sex: Sex, outside: float, edge: float, version: WilksVersion
    ) -> None:
        clamped = strength.compute_wilks(500, outside, sex, version=version)
        assert clamped == strength.compute_wilks(500, edge, sex, version=version)

    @pytest.mark.parametrize(
        ("sex", "outside", "edge"),
        [(Sex.MALE, 250.0, 210.0), (Sex.MALE, 35.0, 40.0), (Sex.FEMALE, 160.0, 150.0)],
    )
    def test_dots_clamps_bodyweight(
        self, sex: Sex, outside: float, edge: float
    ) -> None:
        assert strength.compute_dots(500, outside, sex) == strength.compute_dots(
            500, edge, sex
        )

    def test_ipf_gl_is_zero_below_35_kg(self) -> None:
        assert strength.compute_ipf_gl_points(100, 34.9, Sex.FEMALE) == 0.0
        assert strength.compute_ipf_gl_points(100, 35.0, Sex.FEMALE) > 0

    def test_zero_total_scores_zero(self) -> None:
        assert strength.compute_dots(0, 80, Sex.MALE) == 0.0

    @pytest.mark.parametrize(
        ("total", "bodyweight"),
        [(-1, 80), (100, 0), (100, -80), (math.nan, 80), (100, math.inf)],
    )
    def test_rejects_bad_input(self, total: float, bodyweight: float) -> None:
        for compute in (strength.compute_dots, strength.compute_wilks,
                        strength.compute_ipf_gl_points):  # fmt: skip
            with pytest.raises(DomainInputError):
                compute(total, bodyweight, Sex.MALE)
        with pytest.raises(DomainInputError):
            strength.compute_bodyweight_ratio(total, bodyweight)
