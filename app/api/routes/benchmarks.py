"""`POST /api/v1/benchmarks`: log a benchmark result; scoring follows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import AwareDatetime, Field, StringConstraints

from app.api.deps import DispatchDep, PrincipalDep, SessionDep
from app.api.schema import ApiSchema
from app.jobs.events.scoring import ScoreCalculationRequested
from app.services import access, training_entries

router = APIRouter(prefix="/api/v1", tags=["training"])

BenchmarkCode = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
]


class BenchmarkCreate(ApiSchema):
    member_id: uuid.UUID | None = None
    code: BenchmarkCode
    performed_at: AwareDatetime
    value: float = Field(gt=0, le=1_000_000)
    lower_is_better: bool = True


class BenchmarkRead(ApiSchema):
    id: uuid.UUID
    member_id: uuid.UUID
    code: str
    performed_at: dt.datetime
    event_id: str


@router.post("/benchmarks", status_code=201)
async def create_benchmark(
    body: BenchmarkCreate,
    principal: PrincipalDep,
    session: SessionDep,
    dispatch: DispatchDep,
) -> BenchmarkRead:
    member = await access.get_reachable_member(session, principal, body.member_id)
    benchmark = await training_entries.log_benchmark(
        session, member, **body.model_dump(exclude={"member_id"})
    )
    [event_id] = await dispatch(
        ScoreCalculationRequested(
            member_id=member.id, source="benchmark", source_id=benchmark.id
        )
    )
    return BenchmarkRead(
        id=benchmark.id,
        member_id=member.id,
        code=benchmark.code,
        performed_at=benchmark.performed_at,
        event_id=event_id,
    )
