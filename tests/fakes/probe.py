"""A test-only event, worker and route to exercise dispatch end to end.

The event lives outside `app.jobs.events`, so the app's catalog checks ignore it.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from app.api.deps import DispatchDep, SessionDep
from app.core.config import Settings
from app.core.context import SystemActor, current_actor
from app.core.errors import ConflictError
from app.db.models import Gym
from app.jobs.events.base import PlatformEvent
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry
from app.main import create_app


class ProbeRecorded(PlatformEvent):
    name = "platform/scoring.probe-recorded"
    resource_field = "gym_id"
    gym_id: uuid.UUID


@dataclasses.dataclass
class ProbeWorker:
    calls: list[uuid.UUID] = dataclasses.field(default_factory=list)
    attempts: int = 0
    fail_times: int = 0
    actors: list[SystemActor | None] = dataclasses.field(default_factory=list)

    async def handle(self, event: ProbeRecorded, job: JobContext) -> dict[str, Any]:
        self.attempts += 1
        self.actors.append(current_actor())
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("probe failure")

        async def record() -> str:
            self.calls.append(event.gym_id)
            return str(event.gym_id)

        return {"gym_id": await job.step("record", record)}


class ProbeCreate(BaseModel):
    fail_after_dispatch: bool = False


def build_probe_app(
    settings: Settings, worker: ProbeWorker, **create_kwargs: Any
) -> FastAPI:
    registry = WorkerRegistry()
    registry.worker(fn_id="probe-record", event=ProbeRecorded)(worker.handle)
    app = create_app(settings, registry=registry, **create_kwargs)
    router = APIRouter()

    @router.post("/probe", status_code=201)
    async def create_probe(
        body: ProbeCreate, session: SessionDep, dispatch: DispatchDep
    ) -> dict[str, str]:
        gym = Gym(name="probe gym")
        session.add(gym)
        await session.flush()
        [event_id] = await dispatch(ProbeRecorded(gym_id=gym.id))
        if body.fail_after_dispatch:
            raise ConflictError("probe asked to fail")
        return {"gym_id": str(gym.id), "event_id": event_id}

    app.include_router(router)
    return app
