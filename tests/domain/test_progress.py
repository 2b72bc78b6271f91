"""The explainable 0-100 progress score: doc §1.7."""

import math

import pytest

from app.domain import progress
from app.domain.errors import DomainInputError
from app.domain.progress import (
    BenchmarkProgress,
    LiftProgress,
    ProgressComponent,
    ProgressConfig,
    ProgressInputs,
)
from app.domain.progress import ProgressReasonCode as Code

C = ProgressComponent


def component(result: progress.ProgressScore, name: ProgressComponent) -> float:
    return next(c.value for c in result.components if c.component is name)


@pytest.mark.parametrize(
    ("change_pct", "value"),
    [
        (-20, 0.0),
        (-10, 0.0),
        (-5, 25.0),
        (0, 50.0),
        (5, 75.0),
        (10, 100.0),
        (20, 100.0),
    ],
)
def test_strength_anchors(change_pct: float, value: float) -> None:
    lift = LiftProgress("squat", 100.0, 100.0 + change_pct)
    result = progress.compute_progress_score(ProgressInputs(lifts=[lift]))
    assert component(result, C.STRENGTH) == pytest.approx(value)
    assert result.score == pytest.approx(value)  # the only component


@pytest.mark.parametrize(
    ("current", "value"), [(80.0, 0.0), (90.0, 25.0), (100.0, 50.0), (120.0, 100.0)]
)
def test_volume_anchors(current: float, value: float) -> None:
    inputs = ProgressInputs(
        tonnage_last_4_weeks_kg=current, tonnage_previous_4_weeks_kg=100.0
    )
    result = progress.compute_progress_score(inputs)
    assert component(result, C.VOLUME) == pytest.approx(value)


@pytest.mark.parametrize(
    ("previous", "current", "value"),
    [
        (420.0, 420.0, 50.0),
        (420.0, 400.0, 100.0),
        (400.0, 440.0, 0.0),
        (404.0, 400.0, 60.0),
    ],
)
def test_endurance_anchors_on_speed_change(
    previous: float, current: float, value: float
) -> None:
    inputs = ProgressInputs(endurance=BenchmarkProgress("2k row", previous, current))
    result = progress.compute_progress_score(inputs)
    assert component(result, C.ENDURANCE) == pytest.approx(value)


@pytest.mark.parametrize(
    ("count", "value"), [(0, 0.0), (1, 100 / 3), (3, 100.0), (5, 100.0)]
)
def test_pr_anchors(count: int, value: float) -> None:
    result = progress.compute_progress_score(ProgressInputs(prs_last_28_days=count))
    assert component(result, C.PRS) == pytest.approx(value)


@pytest.mark.parametrize(
    ("adherence", "value"), [(0.0, 0.0), (0.75, 75.0), (1.0, 100.0)]
)
def test_adherence_anchor(adherence: float, value: float) -> None:
    result = progress.compute_progress_score(ProgressInputs(adherence=adherence))
    assert component(result, C.ADHERENCE) == pytest.approx(value)


def test_all_components_weighted_30_30_10_10_20() -> None:
    inputs = ProgressInputs(
        lifts=[LiftProgress("squat", 100.0, 110.0)],
        adherence=1.0,
        prs_last_28_days=2,
        tonnage_last_4_weeks_kg=1000.0,
        tonnage_previous_4_weeks_kg=1000.0,
        endurance=BenchmarkProgress("2k row", 420.0, 420.0),
    )
    result = progress.compute_progress_score(inputs)
    assert result.score == pytest.approx(
        0.3 * 100 + 0.3 * 100 + 0.1 * 200 / 3 + 0.1 * 50 + 0.2 * 50
    )
    weights = {c.component: (c.weight, c.effective_weight) for c in result.components}
    assert weights[C.ENDURANCE] == pytest.approx((0.20, 0.20))
    strength = result.components[0]
    assert strength.input_text == "+10.0 % e1RM squat"
    assert strength.raw_input == pytest.approx(10.0)
    assert Code.COMPONENT_MISSING not in {r.code for r in result.reasons}
    assert result.config_version == "progress-v1"


def test_missing_components_are_dropped_and_weights_renormalised() -> None:
    inputs = ProgressInputs(lifts=[LiftProgress("squat", 100.0, 110.0)], adherence=0.5)
    result = progress.compute_progress_score(inputs)
    assert result.score == pytest.approx(75.0)  # (100 * 0.3 + 50 * 0.3) / 0.6
    assert [c.effective_weight for c in result.components] == [pytest.approx(0.5)] * 2
    missing = [r for r in result.reasons if r.code is Code.COMPONENT_MISSING]
    assert [r.component for r in missing] == [C.PRS, C.VOLUME, C.ENDURANCE]
    assert all("weight was shared" in r.text for r in missing)


def test_no_data_gives_no_score() -> None:
    result = progress.compute_progress_score(ProgressInputs())
    assert (result.score, result.components) == (None, ())
    assert len(result.reasons) == 5


def test_zero_previous_tonnage_counts_as_no_volume_data() -> None:
    inputs = ProgressInputs(
        tonnage_last_4_weeks_kg=500.0, tonnage_previous_4_weeks_kg=0.0
    )
    assert progress.compute_progress_score(inputs).score is None


def test_strength_is_the_mean_of_lift_changes() -> None:
    lifts = [LiftProgress("squat", 100.0, 110.0), LiftProgress("bench", 100.0, 98.0)]
    result = progress.compute_progress_score(ProgressInputs(lifts=lifts))
    assert component(result, C.STRENGTH) == pytest.approx(70.0)  # +4 % mean
    assert result.components[0].input_text == "+4.0 % e1RM squat, bench"


@pytest.mark.parametrize(
    ("inputs", "code", "text"),
    [
        (ProgressInputs(lifts=[LiftProgress("squat", 100.0, 95.0)]), Code.STRENGTH_DOWN, "Strength: -5.0 % e1RM squat"),
        (ProgressInputs(lifts=[LiftProgress("squat", 100.0, 100.0)]), Code.STRENGTH_STEADY, "Strength: +0.0 % e1RM squat"),
        (ProgressInputs(adherence=1.0), Code.ADHERENCE_FULL, "Adherence: 100 % of the weekly plan over 4 weeks"),
        (ProgressInputs(adherence=0.5), Code.ADHERENCE_PARTIAL, "Adherence: 50 % of the weekly plan over 4 weeks"),
        (ProgressInputs(prs_last_28_days=1), Code.PRS_SET, "PRs: 1 PR in the last 28 days"),
        (ProgressInputs(prs_last_28_days=0), Code.PRS_NONE, "PRs: 0 PRs in the last 28 days"),
        (ProgressInputs(tonnage_last_4_weeks_kg=110.0, tonnage_previous_4_weeks_kg=100.0), Code.VOLUME_UP, "Volume: +10.0 % tonnage vs the previous 4 weeks"),
        (ProgressInputs(endurance=BenchmarkProgress("5k run", 1200.0, 1150.0)), Code.ENDURANCE_UP, "Endurance: +4.3 % speed 5k run"),
    ],
)  # fmt: skip
def test_reasons_are_coded_and_worded(
    inputs: ProgressInputs, code: Code, text: str
) -> None:
    reason = progress.compute_progress_score(inputs).reasons[0]
    assert (reason.code, reason.text) == (code, text)


def test_config_sets_anchors_weights_and_version() -> None:
    config = ProgressConfig(
        version="progress-v2",
        weights={C.STRENGTH: 1.0, C.ADHERENCE: 3.0},
        strength_span_pct=5.0,
    )
    inputs = ProgressInputs(lifts=[LiftProgress("squat", 100.0, 105.0)], adherence=0.0)
    result = progress.compute_progress_score(inputs, config)
    assert result.score == pytest.approx(100 * 0.25)
    assert result.config_version == "progress-v2"


@pytest.mark.parametrize(
    "inputs",
    [
        ProgressInputs(adherence=1.2),
        ProgressInputs(adherence=-0.1),
        ProgressInputs(adherence=math.nan),
        ProgressInputs(prs_last_28_days=-1),
        ProgressInputs(lifts=[LiftProgress("squat", 0.0, 100.0)]),
        ProgressInputs(lifts=[LiftProgress("squat", 100.0, math.inf)]),
        ProgressInputs(tonnage_last_4_weeks_kg=-1.0, tonnage_previous_4_weeks_kg=100.0),
        ProgressInputs(endurance=BenchmarkProgress("2k row", 420.0, 0.0)),
    ],
)
def test_rejects_bad_input(inputs: ProgressInputs) -> None:
    with pytest.raises(DomainInputError):
        progress.compute_progress_score(inputs)


def test_rejects_negative_weights() -> None:
    config = ProgressConfig(weights={C.ADHERENCE: -1.0})
    with pytest.raises(DomainInputError):
        progress.compute_progress_score(ProgressInputs(adherence=0.5), config)
