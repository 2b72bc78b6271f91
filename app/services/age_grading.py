"""Age grade of a member's benchmark result from WMA factor tables (§1.6).

The member's age comes from `Member.birth_year` (age reached in the year of
the result) and the sex from `Member.sex`; the tables are versioned data
(one per sex) passed in by the caller. Without a birth year, a sex, a timed
road event or a table there is no age grade (None), never a guess.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.repositories import benchmark as benchmark_repo
from app.domain import age_grading
from app.domain.age_grading import AgeFactorTable, AgeGrade
from app.domain.values import Sex
from app.services import training_log
from app.services.errors import SourceNotFoundError

# Benchmark codes graded as road events (column names of the published tables).
ROAD_EVENTS = {"run_5k": "5 km", "run_10k": "10 km", "run_half_marathon": "H. Mar"}


async def grade_benchmark(
    session: AsyncSession,
    member_id: uuid.UUID,
    benchmark_id: uuid.UUID,
    tables: Mapping[Sex, AgeFactorTable],
) -> AgeGrade | None:
    member = await training_log.require_member(session, member_id)
    bench = await benchmark_repo.get_benchmark(session, benchmark_id)
    if bench is None or bench.member_id != member.id:
        raise SourceNotFoundError()
    event = ROAD_EVENTS.get(bench.code)
    sex = Sex(member.sex) if member.sex in tuple(Sex) else None
    table = None if sex is None else tables.get(sex)
    if event is None or table is None or member.birth_year is None:
        return None
    day = training_log.local_day(bench.performed_at, member.timezone)
    age = age_grading.compute_age(member.birth_year, day)
    if age not in table.factors.get(event, {}):
        return None
    return age_grading.grade_by_age(bench.value, age=age, event=event, table=table)
