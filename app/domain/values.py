"""Value types shared by several domain modules."""

from dataclasses import dataclass
from enum import StrEnum


class Sex(StrEnum):
    """Sex category used by the points formulas and cohorts."""

    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True, slots=True)
class LoggedSet:
    """One logged strength set, in kilograms.

    ``load_kg`` is the total load moved: for bodyweight exercises the caller passes
    bodyweight plus added load (negative added load for assisted machines).
    ``rpe`` is on the CR-10 / RIR-based scale; ``rir`` is reps in reserve.
    """

    exercise: str
    load_kg: float
    reps: int
    rpe: float | None = None
    rir: float | None = None
    is_warmup: bool = False
    to_failure: bool = False
