"""Records the stand-in keeps: events, registered functions, runs and steps."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import os
import time
import typing
import uuid

JSON = typing.Any
JSONDict = dict[str, typing.Any]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DEFAULT_RETRIES = 4
MAX_RETRIES = 20


def new_ulid(ms: int | None = None, entropy: bytes | None = None) -> str:
    """A ULID (48-bit ms time + 80 bits of entropy, Crockford base32)."""
    stamp = int(time.time() * 1000) if ms is None else ms
    rand = os.urandom(10) if entropy is None else entropy
    value = (stamp << 80) | int.from_bytes(rand, "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclasses.dataclass
class ErrorInfo:
    name: str
    message: str
    stack: str | None = None
    code: str | None = None  # the SDK's error code (not memoised)

    @classmethod
    def from_body(cls, body: object, fallback: str) -> ErrorInfo:
        if isinstance(body, dict):
            return cls(
                name=str(body.get("name") or "Error"),
                message=str(body.get("message") or fallback),
                stack=body.get("stack") if isinstance(body.get("stack"), str) else None,
                code=body.get("code") if isinstance(body.get("code"), str) else None,
            )
        return cls(name="Error", message=fallback if body is None else str(body))

    def to_dict(self) -> JSONDict:
        out: JSONDict = {"name": self.name, "message": self.message}
        if self.stack is not None:
            out["stack"] = self.stack
        return out


@dataclasses.dataclass
class EventRecord:
    """An event as received (``internal_id``) and as sent to functions."""

    internal_id: str
    name: str
    data: JSONDict
    id: str
    ts: int
    user: JSONDict = dataclasses.field(default_factory=dict)
    v: str | None = None
    received_at: float = dataclasses.field(default_factory=time.monotonic)

    def payload(self) -> JSONDict:
        out: JSONDict = {
            "name": self.name,
            "data": self.data,
            "user": self.user,
            "id": self.id,
            "ts": self.ts,
        }
        if self.v is not None:
            out["v"] = self.v
        return out


@dataclasses.dataclass
class RegisteredFunction:
    """One function object read from a ``/fn/register`` body."""

    id: str
    name: str
    url: str
    app: str
    triggers: list[JSONDict]
    retries: int | None
    config: JSONDict

    @property
    def uuid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"inngest-fn:{self.id}"))

    @property
    def max_attempts(self) -> int:
        retries = DEFAULT_RETRIES if self.retries is None else self.retries
        return min(max(retries, 0), MAX_RETRIES) + 1

    @property
    def cancel(self) -> list[JSONDict]:
        return list(self.config.get("cancel") or [])

    @property
    def crons(self) -> list[str]:
        return [str(t["cron"]) for t in self.triggers if "cron" in t]

    @classmethod
    def from_config(cls, app: str, config: JSONDict) -> RegisteredFunction:
        step = (config.get("steps") or {}).get("step") or {}
        retries = (step.get("retries") or {}).get("attempts")
        return cls(
            id=str(config["id"]),
            name=str(config.get("name") or config["id"]),
            url=str((step.get("runtime") or {}).get("url") or ""),
            app=app,
            triggers=list(config.get("triggers") or []),
            retries=int(retries) if retries is not None else None,
            config=config,
        )


@dataclasses.dataclass
class StepRecord:
    """A step as the server saw it; ``attempts`` counts executions."""

    id: str
    name: str
    op: str
    data: JSON = None
    error: ErrorInfo | None = None
    attempts: int = 0
    errors: list[ErrorInfo] = dataclasses.field(default_factory=list)
    opts: JSONDict | None = None
    delay: float | None = None  # requested sleep / wait / invoke timeout (s)


@dataclasses.dataclass
class CallRecord:
    step_id: str
    attempt: int
    status: int | None
    ops: list[str]
    duration: float
    signature_ok: bool | None = None
    error: str | None = None


@dataclasses.dataclass
class Run:
    """A function run, exposed for assertions."""

    id: str
    function: RegisteredFunction
    events: list[EventRecord]
    status: RunStatus = RunStatus.RUNNING
    output: JSON = None
    error: ErrorInfo | None = None
    attempts: int = 0
    steps: list[StepRecord] = dataclasses.field(default_factory=list)
    calls: list[CallRecord] = dataclasses.field(default_factory=list)
    retry_after: list[float] = dataclasses.field(default_factory=list)
    memos: JSONDict = dataclasses.field(default_factory=dict)
    stack: list[str] = dataclasses.field(default_factory=list)
    pending_steps: dict[str, StepRecord] = dataclasses.field(default_factory=dict)
    correlation_id: str | None = None
    request_version: int = -1
    cancelled: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    done: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    @property
    def function_id(self) -> str:
        return self.function.id

    @property
    def event(self) -> EventRecord:
        return self.events[0]

    @property
    def finished(self) -> bool:
        return self.status is not RunStatus.RUNNING

    def step(self, name: str) -> StepRecord:
        """The first recorded step whose display name is ``name``."""
        for record in self.steps:
            if record.name == name:
                return record
        raise KeyError(f"run {self.id} has no step {name!r}: {self.step_names()}")

    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    def step_record(self, op: JSONDict) -> StepRecord:
        """The (pending) record for the step an opcode reports."""
        hashed = str(op.get("id"))
        if hashed not in self.pending_steps:
            name = op.get("displayName") or op.get("name") or hashed
            self.pending_steps[hashed] = StepRecord(id=hashed, name=str(name), op="")
        record = self.pending_steps[hashed]
        record.op = str(op.get("op"))
        record.opts = op.get("opts") if isinstance(op.get("opts"), dict) else None
        return record

    def memoise(self, step: StepRecord, memo: JSON) -> None:
        self.pending_steps.pop(step.id, None)
        self.memos[step.id] = memo
        self.stack.append(step.id)
        self.steps.append(step)

    def describe(self) -> str:
        last = self.calls[-1] if self.calls else None
        where = f"last call {last.step_id}/{last.status}" if last else "no calls"
        return f"{self.function.id} run {self.id} [{self.status}] ({where})"
