"""Diagnostics for `python -m bench.sqlite_waits` (never imported by the app).

`install(path)` patches aiosqlite inside a benchmark server process so that
every SQLite call records, measured in the connection's worker thread: who
made it (the relay task or a request), the statement's first word, its wall
time, and how often SQLite's busy handler made it sleep (and for how long).
The busy handler is replaced by one with SQLite's own default steps (1, 2, 5,
10, 15, 20, 25, 25, 25, 50, 50, 100 ms, capped at the 5 s busy timeout), so
behaviour is unchanged but every wait is counted. The summary is written to
`path` as JSON when the lifespan shuts down. Waits for the app's writer gate
(`app/db/sqlite_writer_gate.py`) are timed as well.

Finding the `sqlite3*` handle relies on CPython's `pysqlite_Connection`
layout (the handle is the first field after the object header): fine for a
benchmark probe, not for application code.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import sqlite3
import threading
import time
from collections import defaultdict
from functools import partial
from typing import Any

import aiosqlite.core

_STEPS_MS = (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100)
_TIMEOUT_MS = 5000
_BUSY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.local = threading.local()  # the call in progress on this thread
        # (who, verb) -> [calls, wall ms, busy calls, busy sleeps, busy ms,
        #                 max ms, gate waits (> 0.05 ms), gate ms]
        self.stats: dict[tuple[str, str], list[float]] = defaultdict(
            lambda: [0, 0.0, 0, 0, 0.0, 0.0, 0, 0.0]
        )


STATE = _State()


def _sleep_for(count: int) -> float:
    if count < len(_STEPS_MS):
        delay, prior = _STEPS_MS[count], sum(_STEPS_MS[:count])
    else:
        delay = 100
        prior = sum(_STEPS_MS) + 100 * (count - len(_STEPS_MS))
    if prior + delay > _TIMEOUT_MS:
        delay = _TIMEOUT_MS - prior
    return max(delay, 0) / 1000


def _busy(_arg: int | None, count: int) -> int:
    delay = _sleep_for(count)
    if delay <= 0:
        return 0
    call = getattr(STATE.local, "call", None)
    if call is not None:
        call["sleeps"] += 1
        call["busy_ms"] += delay * 1000
    time.sleep(delay)
    return 1


_HANDLER = _BUSY(_busy)
_LIB: Any = None


def _install_handler(conn: sqlite3.Connection) -> None:
    global _LIB
    if _LIB is None:
        import _sqlite3

        _LIB = ctypes.CDLL(_sqlite3.__file__)
        _LIB.sqlite3_busy_handler.argtypes = [
            ctypes.c_void_p,
            _BUSY,
            ctypes.c_void_p,
        ]
    handle = ctypes.c_void_p.from_address(id(conn) + 2 * ctypes.sizeof(ctypes.c_void_p))
    _LIB.sqlite3_busy_handler(handle, _HANDLER, None)


def _who() -> str:
    task = asyncio.current_task()
    if task is None:
        return "other"
    name = getattr(task.get_coro(), "__qualname__", "")
    return "relay" if name.startswith("OutboxRelay") else "request"


def _verb(fn: Any, args: tuple[Any, ...]) -> str:
    if args and isinstance(args[0], str):
        return args[0].lstrip().split(None, 1)[0].upper() if args[0].strip() else "?"
    return getattr(fn, "__name__", "?")


def _count_gate_waits() -> None:
    """Time the app's writer gate (app/db/sqlite_writer_gate.py) too."""
    from app.db.sqlite_writer_gate import WriterGate

    acquire = WriterGate.acquire

    def timed(self: WriterGate) -> None:
        started = time.perf_counter()
        try:
            acquire(self)
        finally:
            waited = (time.perf_counter() - started) * 1000
            call = getattr(STATE.local, "call", None)
            if call is not None and waited > 0.05:
                call["gate_waits"] += 1
                call["gate_ms"] += waited

    setattr(WriterGate, "acquire", timed)  # noqa: B010


def install(path: str) -> Any:
    _count_gate_waits()
    original: Any = aiosqlite.core.Connection._execute

    async def traced(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        who, verb = _who(), _verb(fn, args)
        conn = self._connection
        # The app's `PRAGMA busy_timeout` installs SQLite's default handler:
        # put the counting one (same steps) in its place right after.
        retimed = bool(args) and "busy_timeout" in str(args[0])

        def run() -> Any:
            call = {"sleeps": 0, "busy_ms": 0.0, "gate_waits": 0, "gate_ms": 0.0}
            STATE.local.call = call
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                if retimed and conn is not None:
                    _install_handler(conn)
                wall = (time.perf_counter() - started) * 1000
                STATE.local.call = None
                with STATE.lock:
                    row = STATE.stats[(who, verb)]
                    row[0] += 1
                    row[1] += wall
                    row[2] += 1 if call["sleeps"] else 0
                    row[3] += call["sleeps"]
                    row[4] += call["busy_ms"]
                    row[5] = max(row[5], wall)
                    row[6] += call["gate_waits"]
                    row[7] += call["gate_ms"]

        return await original(self, partial(run))

    setattr(aiosqlite.core.Connection, "_execute", traced)  # noqa: B010

    def dump() -> None:
        out = {
            f"{who} {verb}": {
                "calls": int(row[0]),
                "wall_ms": round(row[1], 1),
                "busy_calls": int(row[2]),
                "busy_sleeps": int(row[3]),
                "busy_ms": round(row[4], 1),
                "max_ms": round(row[5], 2),
                "gate_waits": int(row[6]),
                "gate_ms": round(row[7], 1),
            }
            for (who, verb), row in sorted(STATE.stats.items())
        }
        with open(path, "w") as fh:
            json.dump(out, fh, indent=1, sort_keys=True)

    return dump
