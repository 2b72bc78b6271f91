"""Drives runs to completion: the call loop, retries and opcode handling."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import typing

import httpx

from . import calls, ops, routing
from .models import (
    ErrorInfo,
    EventRecord,
    JSONDict,
    RegisteredFunction,
    Run,
    RunStatus,
    new_ulid,
)

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Settings:
    """Knobs that trade fidelity for speed (real waits are capped)."""

    signing_key: str | None = None
    sleep_scale: float = 0.0  # real seconds slept per requested second
    sleep_cap: float = 0.05  # max real seconds for one sleep
    wait_timeout_cap: float = 2.0  # max real seconds for a waitForEvent
    invoke_timeout_cap: float = 10.0  # max real seconds for an invoked run
    retry_delay: float = 0.0  # real wait between retries (server: 15 s, 30 s, ...)
    retry_after_cap: float = 0.05  # max real wait for a Retry-After
    max_calls_per_run: int = 300
    use_api: bool = False  # send use_api=true so the SDK fetches state


class Host(typing.Protocol):
    def lookup(self, fn_id: str) -> RegisteredFunction | None: ...

    def emit(self, events: list[JSONDict]) -> list[EventRecord]: ...


class RunEnded(Exception):  # noqa: N818 - control flow, not an error
    def __init__(
        self, status: RunStatus, output: object = None, error: ErrorInfo | None = None
    ) -> None:
        super().__init__(status.value)
        self.status, self.output, self.error = status, output, error


def fail(name: str, message: str) -> RunEnded:
    return RunEnded(RunStatus.FAILED, error=ErrorInfo(name, message))


class Executor:
    def __init__(self, host: Host, http: httpx.AsyncClient, settings: Settings) -> None:
        self.host, self.http, self.settings = host, http, settings
        self.runs: list[Run] = []
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.pauses: list[ops.Pause] = []

    # -- starting and finishing -------------------------------------------
    def start(
        self,
        fn: RegisteredFunction,
        events: list[EventRecord],
        correlation_id: str | None = None,
    ) -> Run:
        run = Run(
            id=new_ulid(), function=fn, events=events, correlation_id=correlation_id
        )
        self.runs.append(run)
        self.tasks[run.id] = asyncio.get_running_loop().create_task(
            self._drive(run), name=f"inngest-run-{run.id}"
        )
        return run

    async def _drive(self, run: Run) -> None:
        try:
            calls.require_loopback(run.function.url)
            await self._discover(run)
        except RunEnded as end:
            run.status, run.output = end.status, end.output
            run.error = end.error if end.status is not RunStatus.COMPLETED else None
        except calls.NotLoopbackError as err:
            run.status, run.error = (
                RunStatus.FAILED,
                ErrorInfo("NotLoopbackError", str(err)),
            )
        except Exception as err:  # harness bug: fail the run, keep the server alive
            log.exception("harness error while driving %s", run.describe())
            run.status, run.error = (
                RunStatus.FAILED,
                ErrorInfo("HarnessError", repr(err)),
            )
        try:
            self._emit_lifecycle(run)
        finally:
            run.done.set()

    def _emit_lifecycle(self, run: Run) -> None:
        if run.event.name in routing.LIFECYCLE:
            return
        base: JSONDict = {
            "function_id": run.function.id,
            "run_id": run.id,
            "event": run.event.payload(),
        }
        finished: JSONDict = {**base, "events": [e.payload() for e in run.events]}
        finished["_inngest"] = {"status": run.status.value}
        if run.correlation_id:
            finished["correlation_id"] = run.correlation_id
        if run.status is RunStatus.COMPLETED:
            finished["result"] = run.output
        elif run.error is not None:
            finished["error"] = run.error.to_dict()
        emitted: list[JSONDict] = [{"name": routing.FINISHED, "data": finished}]
        if run.status is RunStatus.FAILED:
            error = (run.error or ErrorInfo("Error", "failed")).to_dict()
            emitted.append(
                {"name": routing.FAILED, "id": run.id, "data": {**base, "error": error}}
            )
        elif run.status is RunStatus.CANCELLED:
            emitted.append({"name": routing.CANCELLED, "id": run.id, "data": base})
        self.host.emit(emitted)

    # -- the call loop ------------------------------------------------------
    async def _discover(self, run: Run) -> None:
        empty = 0
        while True:
            found = await self.job(run, "step", force_plan=False)
            empty = empty + 1 if not found else 0
            if empty > 3:
                raise fail("HarnessError", "SDK kept answering 206 with no ops")
            force = len(found) > 1 or any(op.get("op") == "StepPlanned" for op in found)
            await self.resolve_all(run, found, force)

    async def job(self, run: Run, step_id: str, *, force_plan: bool) -> list[JSONDict]:
        """One queue item: call until it yields ops; retry errors per attempts."""
        attempt, max_attempts = 0, run.function.max_attempts
        while True:
            self.check_cancel(run)
            if len(run.calls) >= self.settings.max_calls_per_run:
                raise fail(
                    "HarnessError", f"more than {self.settings.max_calls_per_run} calls"
                )
            reply = await calls.send_call(
                self.http, run, step_id, attempt,
                force_plan=force_plan, use_api=self.settings.use_api, signing_key=self.settings.signing_key,
            )  # fmt: skip
            if step_id == "step":
                run.attempts = attempt + 1
            if reply.retry_after is not None:
                run.retry_after.append(reply.retry_after)
            if reply.kind == "complete":
                raise RunEnded(RunStatus.COMPLETED, output=reply.output)
            found: list[JSONDict] = [op for op in reply.ops if isinstance(op, dict)]  # type: ignore[redundant-expr]
            errored = next((op for op in found if op.get("op") == "StepError"), None)
            if reply.kind == "error" or errored is not None:
                final = reply.no_retry or attempt + 1 >= max_attempts
                if errored is None and final:
                    raise RunEnded(RunStatus.FAILED, error=reply.error)
                if errored is not None:
                    if final:  # memoise the error; resolve() records the attempt
                        return [
                            {**op, "op": "StepFailed"} if op is errored else op
                            for op in found
                        ]
                    record = run.step_record(errored)
                    record.errors.append(
                        ErrorInfo.from_body(errored.get("error"), "step error")
                    )
                    record.attempts += 1
                wait = (
                    min(reply.retry_after, self.settings.retry_after_cap)
                    if reply.retry_after
                    else self.settings.retry_delay
                )
                await self.pause(run, wait)
                attempt += 1
                continue
            return found

    async def resolve_all(
        self, run: Run, found: list[JSONDict], force_plan: bool
    ) -> None:
        """Resolve ops concurrently; memoised in completion order."""
        tasks = [
            asyncio.ensure_future(ops.resolve(self, run, op, force_plan))
            for op in found
        ]
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise typing.cast(BaseException, task.exception())

    # -- waiting --------------------------------------------------------------
    def check_cancel(self, run: Run) -> None:
        if run.cancelled.is_set():
            raise RunEnded(RunStatus.CANCELLED)

    async def pause(self, run: Run, seconds: float) -> None:
        """Sleep that ends early (and raises) when the run is cancelled."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.cancelled.wait(), timeout=seconds)
        self.check_cancel(run)

    def on_event(self, event: EventRecord) -> None:
        """Resume matching waitForEvent pauses; flag runs it cancels."""
        for pause in list(self.pauses):
            if not pause.future.done() and routing.wait_matches(
                pause.opts, pause.name, pause.run.event, event
            ):
                pause.future.set_result(event)
        for run in self.runs:
            if run.finished or event in run.events or run.cancelled.is_set():
                continue
            if routing.cancels(run.function, run.event, event):
                run.cancelled.set()

    def unfinished(self) -> list[Run]:
        return [run for run in self.runs if not self.tasks[run.id].done()]

    async def close(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks.values()), timeout=5)
