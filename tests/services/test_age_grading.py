"""Age grading a stored benchmark from the member's birth year and sex."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Benchmark
from app.db.session import create_sessionmaker
from app.domain.age_grading import AgeGrade, parse_age_factor_table
from app.domain.values import Sex
from app.services import age_grading
from tests.support.gym_builders import add_gym, add_member

pytestmark = pytest.mark.db

PERFORMED = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
# Published CSV layout, made-up numbers (not a WMA table).
TABLES = {
    Sex.FEMALE: parse_age_factor_table(
        "Age,5 km\nOC sec,900\n49,0.91\n50,0.90\n", version="test-2026", sex=Sex.FEMALE
    )
}


async def seed(
    engine: AsyncEngine, *, birth_year: int | None, sex: str | None, code: str
) -> tuple[uuid.UUID, uuid.UUID]:
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session), birth_year=birth_year, sex=sex)
        await session.flush()
        bench = Benchmark(
            id=uuid.uuid4(), member_id=member.id, gym_id=member.gym_id, code=code,
            performed_at=PERFORMED, value=1200.0, lower_is_better=True,
        )  # fmt: skip
        session.add(bench)
        return member.id, bench.id


async def grade(
    engine: AsyncEngine, member_id: uuid.UUID, bench_id: uuid.UUID
) -> AgeGrade | None:
    async with create_sessionmaker(engine)() as session:
        return await age_grading.grade_benchmark(session, member_id, bench_id, TABLES)


async def test_grades_from_birth_year_and_sex(engine: AsyncEngine) -> None:
    member_id, bench_id = await seed(
        engine, birth_year=1976, sex="female", code="run_5k"
    )
    result = await grade(engine, member_id, bench_id)
    assert result is not None
    assert result.percent == pytest.approx(900 / (1200 * 0.90) * 100)  # age 50
    assert result.table_version == "test-2026"


@pytest.mark.parametrize(
    ("birth_year", "sex", "code"),
    [(None, "female", "run_5k"), (1976, None, "run_5k"), (1976, "male", "run_5k"),
     (1976, "female", "row_2k"), (1900, "female", "run_5k")],
)  # fmt: skip
async def test_no_grade_without_the_inputs(
    engine: AsyncEngine, birth_year: int | None, sex: str | None, code: str
) -> None:
    member_id, bench_id = await seed(engine, birth_year=birth_year, sex=sex, code=code)
    assert await grade(engine, member_id, bench_id) is None
