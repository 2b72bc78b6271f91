"""A workout's sport: validated list, defaults per session kind (issue 18)."""

import pytest

from app.domain.adherence import SessionKind
from app.domain.sport import (
    DISTANCE_SPORTS,
    Sport,
    SportMismatchError,
    describe_sport,
    resolve_sport,
)

S = SessionKind


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [(S.STRENGTH, None, Sport.STRENGTH), (S.AEROBIC, None, Sport.OTHER),
     (S.STRENGTH, Sport.OTHER, Sport.OTHER), (S.AEROBIC, Sport.RIDE, Sport.RIDE),
     (S.AEROBIC, Sport.RUN, Sport.RUN)],
)  # fmt: skip
def test_resolve_sport(kind: SessionKind, given: Sport | None, stored: Sport) -> None:
    assert resolve_sport(kind, given) is stored


@pytest.mark.parametrize(
    ("kind", "given"),
    [(S.AEROBIC, Sport.STRENGTH), (S.STRENGTH, Sport.RUN), (S.STRENGTH, Sport.SWIM)],
)
def test_sport_must_fit_the_kind(kind: SessionKind, given: Sport) -> None:
    with pytest.raises(SportMismatchError):
        resolve_sport(kind, given)


def test_only_distance_sports_compare_by_distance() -> None:
    assert Sport.STRENGTH not in DISTANCE_SPORTS
    assert Sport.OTHER not in DISTANCE_SPORTS
    assert {Sport.RUN, Sport.RIDE, Sport.ROW, Sport.SWIM, Sport.WALK} == DISTANCE_SPORTS
    assert describe_sport(Sport.RIDE) == "ride"
