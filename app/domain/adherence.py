"""Weekly plan adherence and its 4-week mean (domain-methods §1.4).

A week is an ISO week in the member's local time zone at the time of each session.
``weekly = min(done / planned, 1)`` so an extra session cannot make up for a missed
week; the score is the mean of the weekly values. Without a member plan the WHO 2020
adult guideline is used: strength on 2 days plus 150 moderate aerobic minutes, where a
vigorous minute counts double. With both targets, the week is the mean of the two
capped parts.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainInputError, require_non_negative

DEFAULT_WINDOW_WEEKS = 4
FULL_ADHERENCE = 1.0


class PlanUnit(StrEnum):
    """Whether the strength target counts training days or sessions."""

    DAYS = "days"
    SESSIONS = "sessions"


class SessionKind(StrEnum):
    """What a session counts towards in the plan."""

    STRENGTH = "strength"
    AEROBIC = "aerobic"


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """An ISO 8601 week."""

    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> "IsoWeek":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def shifted(self, weeks: int) -> "IsoWeek":
        return IsoWeek.of(self.monday() + timedelta(weeks=weeks))


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A completed session; ``tz`` is the IANA zone the member was in."""

    started_at: datetime
    tz: str
    kind: SessionKind = SessionKind.STRENGTH
    minutes: float = 0.0
    vigorous: bool = False


@dataclass(frozen=True, slots=True)
class WeeklyPlan:
    """Weekly targets; a zero target is not part of the plan."""

    strength: float = 2.0
    aerobic_minutes: float = 150.0
    unit: PlanUnit = PlanUnit.DAYS


WHO_DEFAULT_PLAN = WeeklyPlan()


@dataclass(frozen=True, slots=True)
class WeekAdherence:
    """Capped adherence (0-1) of one week."""

    week: IsoWeek
    value: float


@dataclass(frozen=True, slots=True)
class AdherenceScore:
    """Mean of the counted weeks; None when every week was excluded."""

    score: float | None
    weeks: tuple[WeekAdherence, ...]
    excluded_weeks: tuple[IsoWeek, ...]


def local_date_of(started_at: datetime, tz: str) -> date:
    """The calendar date of an aware instant in the given IANA time zone."""
    if started_at.tzinfo is None or started_at.utcoffset() is None:
        raise DomainInputError("started_at must be timezone-aware")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainInputError("tz must be an IANA time-zone name") from exc
    return started_at.astimezone(zone).date()


def _localize(sessions: Iterable[SessionRecord]) -> list[tuple[date, SessionRecord]]:
    localized = []
    for session in sessions:
        require_non_negative(session.minutes, "minutes")
        localized.append((local_date_of(session.started_at, session.tz), session))
    return localized


def compute_weekly_adherence(
    sessions: Iterable[SessionRecord],
    week: IsoWeek,
    plan: WeeklyPlan = WHO_DEFAULT_PLAN,
    *,
    joined_on: date | None = None,
) -> float:
    """``min(done / planned, 1)`` for one week; a joining week is prorated."""
    return _week_value(_localize(sessions), week, plan, joined_on)


def _week_value(
    localized: Sequence[tuple[date, SessionRecord]],
    week: IsoWeek,
    plan: WeeklyPlan,
    joined_on: date | None,
) -> float:
    share = _planned_share(week, joined_on)
    in_week = [(day, s) for day, s in localized if IsoWeek.of(day) == week]
    parts: list[float] = []
    if require_non_negative(plan.strength, "strength target") > 0:
        done = _count_strength(in_week, plan.unit)
        parts.append(min(done / (plan.strength * share), FULL_ADHERENCE))
    if require_non_negative(plan.aerobic_minutes, "aerobic target") > 0:
        minutes = sum(
            s.minutes * (2 if s.vigorous else 1)
            for _, s in in_week
            if s.kind is SessionKind.AEROBIC
        )
        parts.append(min(minutes / (plan.aerobic_minutes * share), FULL_ADHERENCE))
    if not parts:
        raise DomainInputError("plan must set a strength or aerobic target")
    return sum(parts) / len(parts)


def _count_strength(in_week: list[tuple[date, SessionRecord]], unit: PlanUnit) -> int:
    """Strength days (several sessions on one day count once) or sessions."""
    days = [day for day, s in in_week if s.kind is SessionKind.STRENGTH]
    return len(set(days)) if unit is PlanUnit.DAYS else len(days)


def _planned_share(week: IsoWeek, joined_on: date | None) -> float:
    """Share of the week the member was a member (prorates the first week)."""
    if joined_on is None or IsoWeek.of(joined_on) < week:
        return 1.0
    if IsoWeek.of(joined_on) > week:
        raise DomainInputError("week lies before the member joined")
    return (7 - joined_on.weekday()) / 7


def compute_adherence_score(
    sessions: Iterable[SessionRecord],
    today: date,
    plan: WeeklyPlan = WHO_DEFAULT_PLAN,
    *,
    weeks: int = DEFAULT_WINDOW_WEEKS,
    joined_on: date | None = None,
    excluded_weeks: Collection[IsoWeek] = (),
    include_current_week: bool = False,
) -> AdherenceScore:
    """Mean weekly adherence over the last ``weeks`` weeks before ``today``'s week.

    ``today`` is the member's local date. Paused, frozen or holiday weeks
    (``excluded_weeks``) and weeks before joining leave the denominator.
    """
    window = _window(today, weeks, include_current_week)
    first = IsoWeek.of(joined_on) if joined_on is not None else window[0]
    excluded = tuple(w for w in window if w in excluded_weeks or w < first)
    localized = _localize(sessions)
    counted = tuple(
        WeekAdherence(w, _week_value(localized, w, plan, joined_on))
        for w in window
        if w not in excluded
    )
    score = sum(w.value for w in counted) / len(counted) if counted else None
    return AdherenceScore(score, counted, excluded)


def _window(today: date, weeks: int, include_current_week: bool) -> list[IsoWeek]:
    if weeks < 1:
        raise DomainInputError("weeks must be at least 1")
    last = IsoWeek.of(today).shifted(0 if include_current_week else -1)
    return [last.shifted(-offset) for offset in reversed(range(weeks))]


def count_streak_weeks(weekly: Sequence[WeekAdherence]) -> int:
    """Consecutive weeks at full adherence, counted back from the latest week."""
    streak = 0
    for week in sorted(weekly, key=lambda w: w.week, reverse=True):
        if week.value < FULL_ADHERENCE:
            break
        streak += 1
    return streak
