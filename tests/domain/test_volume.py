"""Tonnage, reps, working and hard sets: doc §1.3 and golden case §7.3."""

import math

import pytest

from app.domain import volume
from app.domain.errors import DomainInputError
from app.domain.values import LoggedSet

DOC_SESSION = [
    *[LoggedSet("back squat", 100, 5) for _ in range(3)],
    LoggedSet("bench", 70, 8),
    LoggedSet("bench", 70, 8),
    LoggedSet("bench", 70, 7),
    *[LoggedSet("row", 60, 10) for _ in range(2)],
]


def test_doc_section_7_3_session() -> None:
    summary = volume.summarize_volume(DOC_SESSION)
    assert summary.tonnage_kg == pytest.approx(4310)
    assert summary.tonnage_by_exercise_kg == {
        "back squat": pytest.approx(1500),
        "bench": pytest.approx(1610),
        "row": pytest.approx(1200),
    }
    assert summary.reps == 58
    assert summary.working_sets == 8
    assert summary.hard_sets == 8
    assert volume.compute_tonnage(DOC_SESSION) == pytest.approx(4310)
    assert volume.count_hard_sets(DOC_SESSION) == 8


@pytest.mark.parametrize(
    ("warmup", "counted"),
    [
        (LoggedSet("back squat", 20, 10, is_warmup=True), False),
        (LoggedSet("back squat", 100, 5, is_warmup=True), False),
        (LoggedSet("back squat", 49.5, 5), False),
        (LoggedSet("back squat", 50, 5), True),
        (LoggedSet("row", 29.5, 10), False),
    ],
)
def test_warmups_are_flagged_or_under_half_the_top_set(
    warmup: LoggedSet, counted: bool
) -> None:
    summary = volume.summarize_volume([warmup, *DOC_SESSION])
    extra = warmup.load_kg * warmup.reps if counted else 0.0
    assert summary.tonnage_kg == pytest.approx(4310 + extra)
    assert summary.working_sets == 8 + counted


@pytest.mark.parametrize(
    ("rpe", "hard"), [(None, 1), (6.5, 0), (7.0, 1), (10.0, 1), (0.0, 0)]
)
def test_hard_sets_need_rpe_7_or_no_rpe(rpe: float | None, hard: int) -> None:
    assert volume.count_hard_sets([LoggedSet("bench", 80, 5, rpe=rpe)]) == hard


def test_empty_session_is_all_zero() -> None:
    assert volume.summarize_volume([]) == volume.VolumeSummary(0.0, 0, 0, 0, {})
    assert volume.compute_tonnage([]) == 0.0


def test_zero_rep_set_adds_no_tonnage() -> None:
    assert volume.compute_tonnage([LoggedSet("bench", 100, 0)]) == 0.0


@pytest.mark.parametrize(
    "bad",
    [
        LoggedSet("bench", -5, 5),
        LoggedSet("bench", math.nan, 5),
        LoggedSet("bench", 80, -1),
        LoggedSet("bench", 80, 5, rpe=11),
        LoggedSet("bench", 80, 5, rpe=-1),
    ],
)
def test_rejects_bad_sets(bad: LoggedSet) -> None:
    with pytest.raises(DomainInputError):
        volume.summarize_volume([bad])
