"""Weekly adherence, 4-week mean and streaks: doc §1.4."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain import adherence
from app.domain.adherence import (
    IsoWeek,
    PlanUnit,
    SessionKind,
    SessionRecord,
    WeekAdherence,
    WeeklyPlan,
)
from app.domain.errors import DomainInputError

S, A = SessionKind.STRENGTH, SessionKind.AEROBIC
WEEK = IsoWeek(2026, 10)  # Monday 2 March 2026
STRENGTH_ONLY = WeeklyPlan(strength=2, aerobic_minutes=0)


def session(
    day: date,
    kind: SessionKind = S,
    minutes: float = 60,
    *,
    hour: int = 12,
    tz: str = "UTC",
    vigorous: bool = False,
) -> SessionRecord:
    started = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return SessionRecord(started, tz, kind, minutes, vigorous)


def day_of(week: IsoWeek, weekday: int) -> date:
    return week.monday() + timedelta(days=weekday)


class TestWeeklyAdherence:
    @pytest.mark.parametrize(
        ("sessions", "expected"),
        [
            ([(0, S, 45), (3, S, 45), (1, A, 150)], 1.0),
            ([(0, S, 45), (1, A, 75)], 0.5),
            ([(0, S, 45), (2, S, 45), (4, S, 45), (1, A, 300)], 1.0),  # capped
            ([(0, S, 45), (3, S, 45)], 0.5),  # no aerobic minutes
            ([], 0.0),
        ],
    )
    def test_who_default_plan(
        self, sessions: list[tuple[int, SessionKind, float]], expected: float
    ) -> None:
        records = [session(day_of(WEEK, d), k, m) for d, k, m in sessions]
        assert adherence.compute_weekly_adherence(records, WEEK) == pytest.approx(
            expected
        )

    def test_vigorous_minutes_count_double(self) -> None:
        records = [session(day_of(WEEK, 1), A, 75, vigorous=True)]
        plan = WeeklyPlan(strength=0, aerobic_minutes=150)
        assert adherence.compute_weekly_adherence(records, WEEK, plan) == 1.0

    @pytest.mark.parametrize(
        ("unit", "expected"), [(PlanUnit.DAYS, 0.5), (PlanUnit.SESSIONS, 1.0)]
    )
    def test_two_sessions_on_one_day(self, unit: PlanUnit, expected: float) -> None:
        records = [session(day_of(WEEK, 2), hour=7), session(day_of(WEEK, 2), hour=18)]
        plan = WeeklyPlan(strength=2, aerobic_minutes=0, unit=unit)
        assert adherence.compute_weekly_adherence(records, WEEK, plan) == expected

    @pytest.mark.parametrize(
        ("joined_weekday", "expected"), [(0, 0.5), (3, 1 / (2 * 4 / 7)), (6, 1.0)]
    )
    def test_first_partial_week_is_prorated(
        self, joined_weekday: int, expected: float
    ) -> None:
        records = [session(day_of(WEEK, 6))]
        value = adherence.compute_weekly_adherence(
            records, WEEK, STRENGTH_ONLY, joined_on=day_of(WEEK, joined_weekday)
        )
        assert value == pytest.approx(min(expected, 1.0))


class TestTimeZones:
    @pytest.mark.parametrize(
        ("instant", "tz", "week"),
        [
            # Sunday 23:30 UTC is already Monday in Berlin
            (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "UTC", IsoWeek(2026, 10)),
            (
                datetime(2026, 3, 8, 23, 30, tzinfo=UTC),
                "Europe/Berlin",
                IsoWeek(2026, 11),
            ),
            # Monday 02:00 UTC is still Sunday in New York
            (
                datetime(2026, 3, 9, 2, 0, tzinfo=UTC),
                "America/New_York",
                IsoWeek(2026, 10),
            ),
            (datetime(2026, 3, 9, 2, 0, tzinfo=UTC), "Asia/Tokyo", IsoWeek(2026, 11)),
            # ISO years differ from calendar years at the edges
            (datetime(2024, 12, 30, 12, tzinfo=UTC), "UTC", IsoWeek(2025, 1)),
            (datetime(2021, 1, 3, 12, tzinfo=UTC), "UTC", IsoWeek(2020, 53)),
        ],
    )
    def test_week_is_taken_in_the_sessions_time_zone(
        self, instant: datetime, tz: str, week: IsoWeek
    ) -> None:
        assert IsoWeek.of(adherence.local_date_of(instant, tz)) == week

    def test_session_counts_in_its_local_week(self) -> None:
        late_sunday = SessionRecord(
            datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "Europe/Berlin", S, 60
        )
        plan = WeeklyPlan(strength=1, aerobic_minutes=0)
        assert adherence.compute_weekly_adherence([late_sunday], WEEK, plan) == 0.0
        assert (
            adherence.compute_weekly_adherence([late_sunday], WEEK.shifted(1), plan)
            == 1.0
        )


class TestAdherenceScore:
    TODAY = day_of(WEEK, 2)  # Wednesday of week 10; window is weeks 6-9

    def weeks(self) -> list[IsoWeek]:
        return [WEEK.shifted(-4), WEEK.shifted(-3), WEEK.shifted(-2), WEEK.shifted(-1)]

    def test_mean_of_four_capped_weeks(self) -> None:
        done_per_week = [2, 1, 4, 0]  # extra sessions in week 3 cannot cover week 4
        records = [
            session(day_of(week, d))
            for week, done in zip(self.weeks(), done_per_week, strict=True)
            for d in range(done)
        ]
        result = adherence.compute_adherence_score(records, self.TODAY, STRENGTH_ONLY)
        assert result.score == pytest.approx((1 + 0.5 + 1 + 0) / 4)
        assert [w.week for w in result.weeks] == self.weeks()

    def test_current_week_can_be_included(self) -> None:
        records = [session(day_of(WEEK, 0)), session(day_of(WEEK, 1))]
        result = adherence.compute_adherence_score(
            records, self.TODAY, STRENGTH_ONLY, weeks=1, include_current_week=True
        )
        assert result.score == 1.0

    def test_excluded_weeks_leave_the_denominator(self) -> None:
        records = [session(day_of(self.weeks()[0], d)) for d in range(2)]
        result = adherence.compute_adherence_score(
            records,
            self.TODAY,
            STRENGTH_ONLY,
            excluded_weeks={self.weeks()[1], self.weeks()[2], self.weeks()[3]},
        )
        assert result.score == 1.0
        assert len(result.excluded_weeks) == 3

    def test_weeks_before_joining_are_excluded(self) -> None:
        joined = day_of(self.weeks()[3], 0)
        records = [session(day_of(self.weeks()[3], d)) for d in range(2)]
        result = adherence.compute_adherence_score(
            records, self.TODAY, STRENGTH_ONLY, joined_on=joined
        )
        assert (result.score, len(result.weeks)) == (1.0, 1)

    def test_all_weeks_excluded_gives_no_score(self) -> None:
        result = adherence.compute_adherence_score(
            [], self.TODAY, excluded_weeks=set(self.weeks())
        )
        assert result.score is None


@pytest.mark.parametrize(
    ("values", "streak"),
    [([1, 1, 0.5, 1, 1, 1], 3), ([1, 1, 0.99], 0), ([], 0), ([1.0, 1.0], 2)],
)
def test_streak_counts_full_weeks_back_from_the_latest(
    values: list[float], streak: int
) -> None:
    weekly = [WeekAdherence(WEEK.shifted(i), v) for i, v in enumerate(values)]
    assert adherence.count_streak_weeks(list(reversed(weekly))) == streak


@pytest.mark.parametrize(
    "call",
    [
        lambda: adherence.local_date_of(datetime(2026, 3, 2, 12), "UTC"),
        lambda: adherence.local_date_of(datetime(2026, 3, 2, tzinfo=UTC), "Mars/Base"),
        lambda: adherence.local_date_of(datetime(2026, 3, 2, tzinfo=UTC), "../etc"),
        lambda: adherence.compute_weekly_adherence(
            [session(date(2026, 3, 2), minutes=-1)], WEEK
        ),
        lambda: adherence.compute_weekly_adherence([], WEEK, WeeklyPlan(0, 0)),
        lambda: adherence.compute_weekly_adherence([], WEEK, WeeklyPlan(-1, 150)),
        lambda: adherence.compute_weekly_adherence(
            [], WEEK, joined_on=date(2026, 3, 20)
        ),
        lambda: adherence.compute_adherence_score([], date(2026, 3, 2), weeks=0),
    ],
)
def test_rejects_bad_input(call: object) -> None:
    assert callable(call)
    with pytest.raises(DomainInputError):
        call()
