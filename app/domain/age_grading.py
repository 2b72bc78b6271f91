"""Age grading from WMA age factors (domain-methods §1.6).

``age-graded time = actual time x age factor(age, sex, event)`` and
``age grade % = open-class standard / age-graded time x 100``; the factor is
1 at open-class ages and below 1 for older (and very young) athletes. The
factors and open-class standards come from a versioned WMA/USATF table,
loaded as data (``parse_age_factor_table``) and named on every result; no
caller supplies its own standard.

Age [design]: members store a birth year, not a birth date, so the age is the
age reached in the calendar year of the performance (``year - birth_year``);
WMA uses the age on the day, which is that or one less.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .endurance import AgeGradeBand, classify_age_grade
from .errors import DomainInputError, require_count, require_positive
from .values import Sex

AGE_COLUMN = "Age"
OPEN_STANDARD_ROW = "OC sec"


@dataclass(frozen=True, slots=True)
class AgeFactorTable:
    """One sex's WMA table: open-class standard (s) and factor per age per event."""

    version: str
    sex: Sex
    open_standards_s: Mapping[str, float]
    factors: Mapping[str, Mapping[int, float]]


@dataclass(frozen=True, slots=True)
class AgeGrade:
    """An age-graded result with the table version it came from."""

    percent: float
    band: AgeGradeBand
    factor: float
    age_graded_time_s: float
    age_standard_s: float
    table_version: str


def parse_age_factor_table(text: str, *, version: str, sex: Sex) -> AgeFactorTable:
    """Read the published CSV layout: an ``Age,<event>,...`` header, an
    ``OC sec,<seconds>,...`` row and one ``<age>,<factor>,...`` row per age;
    other rows (titles, notes) are skipped."""
    events: list[str] = []
    standards: dict[str, float] = {}
    factors: dict[str, dict[int, float]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split(",")]
        head, values = cells[0], [c for c in cells[1:] if c]
        if head == AGE_COLUMN:
            events = values
            factors = {event: {} for event in events}
        elif head == OPEN_STANDARD_ROW and events:
            standards = dict(zip(events, map(float, values), strict=True))
        elif head.isdigit() and events:
            for event, value in zip(events, values, strict=True):
                factors[event][int(head)] = require_positive(float(value), "factor")
    if not events or set(standards) != set(events):
        raise DomainInputError("table needs an Age header and an OC sec row")
    return AgeFactorTable(version, sex, standards, factors)


def compute_age(birth_year: int, on: date) -> int:
    """Age reached in the calendar year of ``on`` (see the module docstring)."""
    age = on.year - require_count(birth_year, "birth_year")
    return require_count(age, "age")


def grade_by_age(
    time_s: float, *, age: int, event: str, table: AgeFactorTable
) -> AgeGrade:
    """Age grade of a time on ``event`` at ``age`` from the table's factor."""
    by_age = table.factors.get(event)
    if by_age is None or require_count(age, "age") not in by_age:
        raise DomainInputError("the table has no factor for this event and age")
    factor = by_age[age]
    graded = require_positive(time_s, "time_s") * factor
    open_standard = table.open_standards_s[event]
    percent = open_standard / graded * 100
    return AgeGrade(
        percent=percent,
        band=classify_age_grade(percent),
        factor=factor,
        age_graded_time_s=graded,
        age_standard_s=open_standard / factor,
        table_version=table.version,
    )
