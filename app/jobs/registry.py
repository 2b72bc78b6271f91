"""The one registry of workers. Worker modules add to it with `@worker(...)`.

Nothing hand-maintains a list: `load_workers()` imports every module of
`app.jobs.workers`, and `build_functions()` turns each registered worker into an
Inngest function for `/api/inngest`; the inline runner uses the same entries.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import inngest

from app.core.context import system_context
from app.jobs.events.base import PlatformEvent
from app.jobs.job_context import Handler, InngestJobContext

if TYPE_CHECKING:
    from app.runtime import Runtime

WORKERS_PACKAGE = "app.jobs.workers"


@dataclasses.dataclass(frozen=True)
class Worker:
    fn_id: str
    handler: Handler
    event: type[PlatformEvent] | None = None
    cron: str | None = None
    retries: int | None = None  # None: the global INNGEST_RETRIES
    flow_control: dict[str, Any] = dataclasses.field(default_factory=dict)

    def retries_or(self, default: int) -> int:
        return default if self.retries is None else self.retries


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
        **flow_control: Any,
    ) -> Callable[[Handler], Handler]:
        if (event is None) == (cron is None):
            raise TypeError(f"worker {fn_id!r} needs exactly one of event= or cron=")

        def register(handler: Handler) -> Handler:
            if fn_id in self._workers:
                raise TypeError(f"worker {fn_id!r} is registered twice")
            self._workers[fn_id] = Worker(
                fn_id, handler, event, cron, retries, dict(flow_control)
            )
            return handler

        return register

    @property
    def workers(self) -> list[Worker]:
        return list(self._workers.values())

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
        with system_context(worker.fn_id, ctx.run_id, event_id=ctx.event.id):
            if event_type is None:
                payload: Any = None
            else:
                try:
                    payload = event_type.from_inngest(ctx.event)
                except ValueError as exc:
                    raise inngest.NonRetriableError(str(exc)) from None
            return await worker.handler(payload, InngestJobContext(ctx, runtime))

    return runtime.inngest_client.create_function(
        fn_id=worker.fn_id,
        trigger=trigger,
        retries=worker.retries_or(runtime.settings.INNGEST_RETRIES),
        **worker.flow_control,
    )(run)


REGISTRY = WorkerRegistry()


def load_workers(package: str = WORKERS_PACKAGE) -> WorkerRegistry:
    """Import every worker module so that each adds itself to `REGISTRY`."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)
    return REGISTRY
