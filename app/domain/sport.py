"""A workout's sport (modality), and which sports compare by distance (§2.3, §2.5).

Distance only compares within one sport: a 30 km ride says nothing about the
longest run. Strength sessions default to ``strength``; an aerobic session
logged without a sport is ``other`` and is never compared by distance.
"""

from enum import StrEnum

from .adherence import SessionKind
from .errors import DomainInputError


class Sport(StrEnum):
    """The validated list of sports a workout can carry."""

    STRENGTH = "strength"
    RUN = "run"
    RIDE = "ride"
    ROW = "row"
    SWIM = "swim"
    WALK = "walk"
    OTHER = "other"


DISTANCE_SPORTS = frozenset({Sport.RUN, Sport.RIDE, Sport.ROW, Sport.SWIM, Sport.WALK})
_NOUNS = {
    Sport.STRENGTH: "strength session",
    Sport.RUN: "run",
    Sport.RIDE: "ride",
    Sport.ROW: "row",
    Sport.SWIM: "swim",
    Sport.WALK: "walk",
    Sport.OTHER: "session",
}


class SportMismatchError(DomainInputError):
    """A sport that cannot go with the session kind (e.g. a strength run)."""


def resolve_sport(kind: SessionKind, sport: Sport | None) -> Sport:
    """The sport to store: the given one if it fits ``kind``, else the default.

    Strength sessions are ``strength`` (or ``other``); aerobic sessions take any
    sport but ``strength`` and default to ``other``.
    """
    if sport is None:
        return Sport.STRENGTH if kind is SessionKind.STRENGTH else Sport.OTHER
    fits = (
        sport in (Sport.STRENGTH, Sport.OTHER)
        if kind is SessionKind.STRENGTH
        else sport is not Sport.STRENGTH
    )
    if not fits:
        raise SportMismatchError("sport does not fit the session kind")
    return sport


def describe_sport(sport: Sport) -> str:
    """The noun for one session of the sport ("run", "ride")."""
    return _NOUNS[sport]
