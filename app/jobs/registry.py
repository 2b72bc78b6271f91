"""The one registry of workers. Worker modules add to it with `@worker(...)`.

Nothing hand-maintains a list: `load_workers()` imports every module of
`app.jobs.workers`, and `build_functions()` turns each registered worker into an
Inngest function for `/api/inngest`; the inline runner uses the same entries.

Added here, centrally, to every function: an `on_failure` handler (dead
letters, app/jobs/failure_handler.py) and, for every worker whose event names
a member, a `cancel` rule on `platform/privacy.member-erased`, so erasing a
member cancels their in-flight runs.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import inngest

from app.core import tracing
from app.core.context import system_context
from app.jobs.dead_letters import EventIdFields
from app.jobs.events.base import PlatformEvent
from app.jobs.events.privacy import MemberErased
from app.jobs.failure_handler import make_failure_handler
from app.jobs.job_context import (
    Handler,
    InngestJobContext,
    inngest_run_actor,
    run_span,
)

if TYPE_CHECKING:
    from app.runtime import Runtime

WORKERS_PACKAGE = "app.jobs.workers"
# Event fields that name a member: their runs stop when the member is erased.
MEMBER_FIELDS = ("member_id", "recipient_id", "actor_id", "author_id")


@dataclasses.dataclass(frozen=True)
class Worker:
    fn_id: str
    handler: Handler
    event: type[PlatformEvent] | None = None
    cron: str | None = None
    retries: int | None = None  # None: the global INNGEST_RETRIES
    flow_control: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Calls a third-party API (a wearable provider): inline mode runs it after
    # the response, never while a request waits (app/jobs/inline_runner.py).
    third_party: bool = False

    def retries_or(self, default: int) -> int:
        return default if self.retries is None else self.retries

    @property
    def id_fields(self) -> EventIdFields:
        if self.event is None:
            return EventIdFields()
        return EventIdFields(self.event.resource_field, self.member_fields)

    @property
    def member_fields(self) -> tuple[str, ...]:
        if self.event is None:
            return ()
        return tuple(f for f in MEMBER_FIELDS if f in self.event.model_fields)

    def erasure_cancel(self) -> list[inngest.Cancel]:
        """Cancel this worker's runs about a member when that member is erased."""
        if not self.member_fields or self.event is MemberErased:
            return []
        match = " || ".join(
            f"async.data.member_id == event.data.{field}"
            for field in self.member_fields
        )
        return [inngest.Cancel(event=MemberErased.name, if_exp=match)]


class WorkerRegistry:
    def __init__(self) -> None:
        self._workers: dict[str, Worker] = {}

    def worker(
        self,
        *,
        fn_id: str,
        event: type[PlatformEvent] | None = None,
        cron: str | None = None,
        retries: int | None = None,
        third_party: bool = False,
        **flow_control: Any,
    ) -> Callable[[Handler], Handler]:
        if (event is None) == (cron is None):
            raise TypeError(f"worker {fn_id!r} needs exactly one of event= or cron=")

        def register(handler: Handler) -> Handler:
            if fn_id in self._workers:
                raise TypeError(f"worker {fn_id!r} is registered twice")
            self._workers[fn_id] = Worker(
                fn_id, handler, event, cron, retries, dict(flow_control), third_party
            )
            return handler

        return register

    @property
    def workers(self) -> list[Worker]:
        return list(self._workers.values())

    def get(self, fn_id: str) -> Worker | None:
        return self._workers.get(fn_id)

    def consumers(self, event_name: str) -> list[Worker]:
        return [w for w in self.workers if w.event and w.event.name == event_name]

    def build_functions(self, runtime: Runtime) -> list[inngest.Function[Any]]:
        return [_to_function(worker, runtime) for worker in self.workers]


def _to_function(worker: Worker, runtime: Runtime) -> inngest.Function[Any]:
    trigger: inngest.TriggerEvent | inngest.TriggerCron
    if worker.event is not None:
        trigger = inngest.TriggerEvent(event=worker.event.name)
    else:
        trigger = inngest.TriggerCron(cron=str(worker.cron))
    event_type = worker.event

    async def run(ctx: inngest.Context) -> Any:
        parent = tracing.context_of(ctx.event.data)
        with (
            run_span(worker.fn_id, "inngest", ctx.event.name, parent),
            system_context(inngest_run_actor(worker.fn_id, ctx)),
        ):
            if event_type is None:
                payload: Any = None
            else:
                try:
                    payload = event_type.from_inngest(ctx.event)
                except ValueError as exc:
                    raise inngest.NonRetriableError(str(exc)) from None
            return await worker.handler(payload, InngestJobContext(ctx, runtime))

    flow_control = dict(worker.flow_control)
    cancel = [*flow_control.pop("cancel", []), *worker.erasure_cancel()]
    return runtime.inngest_client.create_function(
        fn_id=worker.fn_id,
        trigger=trigger,
        retries=worker.retries_or(runtime.settings.INNGEST_RETRIES),
        cancel=cancel or None,
        on_failure=make_failure_handler(worker.fn_id, worker.id_fields, runtime),
        **flow_control,
    )(run)


REGISTRY = WorkerRegistry()


def load_workers(package: str = WORKERS_PACKAGE) -> WorkerRegistry:
    """Import every worker module so that each adds itself to `REGISTRY`."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)
    return REGISTRY
