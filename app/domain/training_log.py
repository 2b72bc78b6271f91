"""A member's logged training as plain values, shared by the scoring builders.

The service layer maps rows to these; the builders in ``progress_inputs``,
``load_history`` and ``workout_records`` only read them.
"""

from dataclasses import dataclass
from datetime import date, datetime

from .adherence import SessionKind, local_date_of
from .sport import Sport, resolve_sport
from .values import LoggedSet


@dataclass(frozen=True, slots=True)
class WorkoutRecord:
    """One session with its sets; ``performed_at`` is aware, ``tz`` its IANA zone."""

    workout_id: str
    performed_at: datetime
    tz: str
    kind: SessionKind
    minutes: float
    rpe: float | None = None
    distance_m: float | None = None
    sets: tuple[tuple[str, LoggedSet], ...] = ()  # (set id, set)
    sport: Sport | None = None  # None: the kind's default (``resolve_sport``)

    @property
    def local_day(self) -> date:
        return local_date_of(self.performed_at, self.tz)

    @property
    def modality(self) -> Sport:
        """The stored sport, or the default for the session kind."""
        return resolve_sport(self.kind, self.sport)


@dataclass(frozen=True, slots=True)
class BenchmarkRecord:
    """One benchmark result (a time in seconds when ``lower_is_better``)."""

    benchmark_id: str
    code: str
    performed_at: datetime
    tz: str
    value: float
    lower_is_better: bool

    @property
    def local_day(self) -> date:
        return local_date_of(self.performed_at, self.tz)
