"""`POST /api/v1/workouts`: log a workout; scoring and load checks follow."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import AwareDatetime, Field, StringConstraints

from app.api.deps import DispatchDep, PrincipalDep, SessionDep
from app.api.schema import ApiSchema, IanaTimeZone
from app.domain.sport import Sport
from app.jobs.events.scoring import ScoreCalculationRequested
from app.services import access, training_entries

router = APIRouter(prefix="/api/v1", tags=["training"])

ExerciseCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]


class WorkoutSetCreate(ApiSchema):
    exercise: ExerciseCode
    load_kg: float = Field(default=0.0, ge=0, le=1000)
    reps: int = Field(default=0, ge=0, le=1000)
    rpe: float | None = Field(default=None, ge=0, le=10)
    minutes: float | None = Field(default=None, ge=0, le=1440)
    is_warmup: bool = False


class WorkoutCreate(ApiSchema):
    member_id: uuid.UUID | None = None
    performed_at: AwareDatetime
    kind: Literal["strength", "aerobic"] = "strength"
    # default: "strength" for strength sessions, "other" for aerobic ones
    sport: Sport | None = None
    minutes: float = Field(gt=0, le=1440)
    rpe: float | None = Field(default=None, ge=0, le=10)
    distance_m: float | None = Field(default=None, gt=0, le=1_000_000)
    tz: IanaTimeZone | None = None
    sets: list[WorkoutSetCreate] = Field(default_factory=list, max_length=200)


class WorkoutRead(ApiSchema):
    id: uuid.UUID
    member_id: uuid.UUID
    performed_at: dt.datetime
    kind: str
    sport: str
    sets: int
    event_id: str


@router.post("/workouts", status_code=201)
async def create_workout(
    body: WorkoutCreate,
    principal: PrincipalDep,
    session: SessionDep,
    dispatch: DispatchDep,
) -> WorkoutRead:
    member = await access.get_reachable_member(session, principal, body.member_id)
    entry = training_entries.WorkoutEntry(
        **body.model_dump(exclude={"member_id", "sets"}),
        sets=tuple(training_entries.SetEntry(**s.model_dump()) for s in body.sets),
    )
    workout = await training_entries.log_workout(session, member, entry)
    [event_id] = await dispatch(
        ScoreCalculationRequested(
            member_id=member.id, source="workout", source_id=workout.id
        )
    )
    return WorkoutRead(
        id=workout.id,
        member_id=member.id,
        performed_at=workout.performed_at,
        kind=workout.kind,
        sport=workout.sport,
        sets=len(entry.sets),
        event_id=event_id,
    )
