"""Resolving one opcode from a 206 reply into a memo (protocol doc §6)."""

from __future__ import annotations

import asyncio
import dataclasses
import typing

from . import routing, timeparse
from .models import JSON, ErrorInfo, EventRecord, JSONDict, Run, RunStatus

if typing.TYPE_CHECKING:
    from .executor import Executor

UNSUPPORTED = frozenset({"AIGateway", "Gateway", "WaitForSignal"})


@dataclasses.dataclass
class Pause:
    """A run waiting for an event (``step.wait_for_event``)."""

    run: Run
    name: str
    opts: JSONDict
    future: asyncio.Future[EventRecord]


async def resolve(
    exe: Executor, run: Run, op: JSONDict, force_plan: bool, depth: int = 0
) -> None:
    from .executor import fail

    kind = str(op.get("op"))
    if kind == "StepPlanned":
        if depth > 1:
            raise fail("HarnessError", "a targeted step was planned again")
        found = await exe.job(run, str(op.get("id")), force_plan=True)
        for sub in found:
            await resolve(exe, run, sub, force_plan, depth + 1)
        return
    record = run.step_record(op)
    memo: JSON
    if kind in ("StepRun", "Step"):
        record.attempts += 1
        record.data = op.get("data")
        memo = {"data": record.data}
    elif kind == "StepFailed":
        record.attempts += 1
        record.error = ErrorInfo.from_body(op.get("error"), "step failed")
        record.errors.append(record.error)
        memo = {"error": record.error.to_dict()}
    elif kind == "Sleep":
        memo = await _sleep(exe, run, op, record)
    elif kind == "WaitForEvent":
        memo = await _wait(exe, run, op, record)
    elif kind == "InvokeFunction":
        memo = await _invoke(exe, run, op, record)
    elif kind in UNSUPPORTED:
        raise fail("UnsupportedOpcode", f"the stand-in does not support {kind}")
    else:
        raise fail("UnknownOpcode", f"unknown opcode {kind!r}")
    run.memoise(record, memo)


def _requested_sleep(op: JSONDict) -> float:
    opts = op.get("opts") if isinstance(op.get("opts"), dict) else {}
    duration = typing.cast(JSONDict, opts).get("duration")
    if isinstance(duration, str) and duration:
        return timeparse.parse_duration(duration)
    name = str(op.get("name") or "")
    if len(name) >= 10:
        return max(0.0, timeparse.seconds_until(timeparse.parse_time(name)))
    return timeparse.parse_duration(name)


async def _sleep(exe: Executor, run: Run, op: JSONDict, record: typing.Any) -> JSON:
    record.delay = _requested_sleep(op)
    settings = exe.settings
    await exe.pause(run, min(record.delay * settings.sleep_scale, settings.sleep_cap))
    return None


async def _wait(exe: Executor, run: Run, op: JSONDict, record: typing.Any) -> JSON:
    opts = typing.cast(JSONDict, op.get("opts") or {})
    record.delay = timeparse.parse_duration(str(opts.get("timeout") or "1s"))
    pause = Pause(
        run, str(op.get("name") or ""), opts, asyncio.get_running_loop().create_future()
    )
    exe.pauses.append(pause)
    try:
        await _first(
            exe, run, pause.future, min(record.delay, exe.settings.wait_timeout_cap)
        )
    finally:
        exe.pauses.remove(pause)
    matched = pause.future.done() and not pause.future.cancelled()
    return pause.future.result().payload() if matched else None


async def _first(
    exe: Executor, run: Run, waitable: typing.Awaitable[object], timeout: float
) -> None:
    """Wait for ``waitable`` or the timeout; raise if the run gets cancelled."""
    cancel = asyncio.ensure_future(run.cancelled.wait())
    target = asyncio.ensure_future(waitable)
    try:
        await asyncio.wait(
            [cancel, target], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        cancel.cancel()
        if not target.done():
            target.cancel()
    exe.check_cancel(run)


async def _invoke(exe: Executor, run: Run, op: JSONDict, record: typing.Any) -> JSON:
    opts = typing.cast(JSONDict, op.get("opts") or {})
    target_id = str(opts.get("function_id"))
    target = exe.host.lookup(target_id)
    if target is None:
        return {
            "error": {
                "name": "Error",
                "message": f"could not find function with ID: {target_id}",
            }
        }
    payload = typing.cast(JSONDict, opts.get("payload") or {})
    correlation = f"{run.id}.{op.get('id')}"
    data = dict(payload.get("data") or {})
    data["_inngest"] = {
        "fn_id": target.id,
        "correlation_id": correlation,
        "name": routing.INVOKED,
        "source_app_id": run.function.app,
        "source_fn_id": run.function.id,
        "source_fn_v": 1,
    }
    event: JSONDict = {"name": routing.INVOKED, "data": data}
    if payload.get("v") is not None:
        event["v"] = payload["v"]
    (recorded,) = exe.host.emit([event])
    child = exe.start(target, [recorded], correlation_id=correlation)
    timeout = opts.get("timeout")
    record.delay = (
        timeparse.parse_duration(timeout) if isinstance(timeout, str) else None
    )
    cap = exe.settings.invoke_timeout_cap
    await _first(exe, run, child.done.wait(), min(record.delay or cap, cap))
    if not child.finished:
        message = "Timed out waiting for invoked function to complete"
        return {"error": {"name": "InngestInvokeTimeoutError", "message": message}}
    if child.status is RunStatus.COMPLETED:
        return {"data": child.output}
    error = child.error or ErrorInfo("Error", f"invoked run {child.status.value}")
    return {"error": error.to_dict()}
