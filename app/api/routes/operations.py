"""`/api/v1/ops`: the operator API, platform admins only (`AdminDep`).

Dead letters (failed runs) and dead outbox events: list them grouped by
function (or event name) and error code, show one (ids and codes only),
replay one or all of a function, discard one. A replay or discard happens
once however often it is asked (app/jobs/dead_letter_ops.py). `GET /status`
says whether the background work keeps up (app/jobs/operator_status.py).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import ConfigDict, Field

from app.api.deps import AdminDep, RuntimeDep
from app.api.schema import ApiSchema
from app.jobs.dead_letter_ops import DeadLetterOps
from app.jobs.operator_status import operator_status

router = APIRouter(prefix="/api/v1/ops", tags=["operations"])
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$"
EventId = Annotated[str, Path(pattern=ID_PATTERN, max_length=200)]


class FunctionReplay(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    function_id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,199}$",
        description="Replay every open dead letter of this function.",
    )


class EventReplay(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    event_name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_./-]{0,199}$",
        description="Requeue every dead outbox event of this name.",
    )


@router.get("/status")
async def get_status(admin: AdminDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Outbox lag, the relay's last send, the cron leader, each cron's last run."""
    return await operator_status(runtime)


@router.get("/dead-letters")
async def list_dead_letters(admin: AdminDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Open dead letters by function and error code; dead events by name and code."""
    return await DeadLetterOps(runtime).overview()


@router.get("/dead-letters/{dead_letter_id}")
async def show_dead_letter(
    dead_letter_id: uuid.UUID, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).show(dead_letter_id)


@router.post("/dead-letters/{dead_letter_id}/replay")
async def replay_dead_letter(
    dead_letter_id: uuid.UUID, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """One new run of the function (once: a second call returns the first)."""
    return await DeadLetterOps(runtime).replay(dead_letter_id, admin.subject)


@router.post("/dead-letters/replay")
async def replay_function(
    body: FunctionReplay, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).replay_function(body.function_id, admin.subject)


@router.post("/dead-letters/{dead_letter_id}/discard")
async def discard_dead_letter(
    dead_letter_id: uuid.UUID, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).discard(dead_letter_id, admin.subject)


@router.get("/dead-events/{event_id:path}")
async def show_dead_event(
    event_id: EventId, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).show_event(event_id)


@router.post("/dead-events/{event_id:path}/replay")
async def replay_dead_event(
    event_id: EventId, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Back to pending: the relay sends it again (once)."""
    return await DeadLetterOps(runtime).replay_event(event_id, admin.subject)


@router.post("/dead-events/replay")
async def replay_dead_events(
    body: EventReplay, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).replay_events(body.event_name, admin.subject)


@router.post("/dead-events/{event_id:path}/discard")
async def discard_dead_event(
    event_id: EventId, admin: AdminDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await DeadLetterOps(runtime).discard_event(event_id, admin.subject)
