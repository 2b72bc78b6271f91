"""Age grading from a versioned factor table (§1.6), not a caller's standard.

The table below has the published CSV layout but made-up round numbers (it
is not a WMA table): the tests check the method, not the data.
"""

from datetime import date

import pytest

from app.domain.age_grading import (
    compute_age,
    grade_by_age,
    parse_age_factor_table,
)
from app.domain.endurance import AgeGradeBand
from app.domain.errors import DomainInputError
from app.domain.values import Sex

TABLE_CSV = """Test road factors (not WMA values),,
Age,5 km,10 km
Distance,5,10
OC sec,900,1800
OC,0:15:00,0:30:00
30,1.0000,1.0000
49,0.9100,0.9200
50,0.9000,0.9100
70,0.7500,0.7600
"Compiled for tests",,
"""
TABLE = parse_age_factor_table(TABLE_CSV, version="test-2026", sex=Sex.FEMALE)


def test_parses_the_published_layout() -> None:
    assert TABLE.open_standards_s == {"5 km": 900.0, "10 km": 1800.0}
    assert TABLE.factors["10 km"] == {30: 1.0, 49: 0.92, 50: 0.91, 70: 0.76}


def test_age_graded_time_and_percent_per_section_1_6() -> None:
    # 20:00 at 50: graded 1200 x 0.90 = 1080 s; 900 / 1080 = 83.33 % (national)
    grade = grade_by_age(1200.0, age=50, event="5 km", table=TABLE)
    assert grade.age_graded_time_s == pytest.approx(1080.0)
    assert grade.percent == pytest.approx(83.333, abs=0.001)
    assert grade.age_standard_s == pytest.approx(1000.0)  # 900 / 0.90
    assert (grade.band, grade.table_version) == (AgeGradeBand.NATIONAL, "test-2026")


@pytest.mark.parametrize(("age", "percent"), [(49, 900 / (1200 * 0.91) * 100),
                                              (50, 900 / (1200 * 0.90) * 100)])  # fmt: skip
def test_the_factor_of_the_exact_age_is_used(age: int, percent: float) -> None:
    grade = grade_by_age(1200.0, age=age, event="5 km", table=TABLE)
    assert grade.percent == pytest.approx(percent)


def test_open_class_age_grades_against_the_open_standard() -> None:
    grade = grade_by_age(900.0, age=30, event="5 km", table=TABLE)
    assert grade.percent == pytest.approx(100.0)
    assert grade.band is AgeGradeBand.WORLD_RECORD


@pytest.mark.parametrize(
    ("birth_year", "on", "age"),
    [(1976, date(2026, 1, 1), 50), (1976, date(2026, 12, 31), 50), (1977, date(2026, 6, 1), 49)],
)  # fmt: skip
def test_age_is_reached_in_the_calendar_year(
    birth_year: int, on: date, age: int
) -> None:
    assert compute_age(birth_year, on) == age


@pytest.mark.parametrize(("age", "event"), [(51, "5 km"), (50, "half_marathon")])
def test_missing_factor_raises(age: int, event: str) -> None:
    with pytest.raises(DomainInputError):
        grade_by_age(1200.0, age=age, event=event, table=TABLE)


def test_table_without_open_standards_raises() -> None:
    with pytest.raises(DomainInputError):
        parse_age_factor_table("Age,5 km\n30,1.0\n", version="x", sex=Sex.MALE)


def test_birth_year_after_the_date_raises() -> None:
    with pytest.raises(DomainInputError):
        compute_age(2030, date(2026, 1, 1))
