"""SQLite only: one writer at a time inside this process, woken at once.

SQLite lets one connection write at a time. A second writer gets SQLITE_BUSY
and its busy handler sleeps in coarse steps (1, 2, 5, 10, 15 … ms), however
soon the lock is free: a request whose INSERT collides with a short relay
transaction waits 3-18 ms instead of ~1 ms (`python -m bench.sqlite_waits`).

The gate serialises this process's write transactions on one database file
with a lock that hands over as soon as the holder's transaction ends. It
mirrors SQLite's own rule, so it blocks nothing SQLite would not:

- taken in the connection's worker thread (aiosqlite runs each connection in
  its own thread; the event loop never waits) right before a statement that
  opens a write transaction (INSERT, UPDATE, DELETE, REPLACE, BEGIN, DDL);
- given back right after the call that ends it (commit, rollback, close, or
  a statement SQLite ran in autocommit), and when a connection is dropped
  without being closed;
- a writer that cannot get it within the busy timeout gets the same error as
  SQLite's own ("database is locked"), naming the gate.

Connections of other processes are not gated: SQLite's busy handler still
arbitrates with them. Reads never take the gate (WAL readers do not block).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 5000

# First keywords of statements that take SQLite's write lock.
_WRITES = frozenset(
    {"INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "CREATE", "DROP", "ALTER"}
)
_STATEMENT_CALLS = frozenset({"execute", "executemany", "executescript"})


class WriterGateTimeoutError(sqlite3.OperationalError):
    """No turn to write within the busy timeout (as SQLite's own SQLITE_BUSY)."""


class WriterGate:
    """The turn to write on one database file, for this process."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self._lock.acquire(timeout=self.timeout_s):
            raise WriterGateTimeoutError(
                "database is locked (writer gate: another write transaction of "
                f"this process held the database for {self.timeout_s:g} s)"
            )

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


_GATES: dict[str, WriterGate] = {}
_GATES_LOCK = threading.Lock()


def gate_for(database: str, timeout_s: float) -> WriterGate:
    """One gate per database file and process, shared by every engine."""
    key = os.path.realpath(database)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = WriterGate(timeout_s)
        return gate


def opens_write(fn: Any, args: tuple[Any, ...]) -> bool:
    """Whether this call on a connection's thread may start writing."""
    if getattr(fn, "__name__", "") not in _STATEMENT_CALLS or not args:
        return False
    words = str(args[0]).lstrip().split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


class _Turn:
    """Whether one connection holds the gate (touched by its thread only,
    except the release when the connection is dropped unclosed)."""

    def __init__(self, gate: WriterGate) -> None:
        self.gate = gate
        self.held = False
        self._release_lock = threading.Lock()

    def take(self) -> None:
        if not self.held:
            self.gate.acquire()
            self.held = True

    def give_back(self) -> None:
        with self._release_lock:
            if self.held:
                self.held = False
                self.gate.release()


def _in_transaction(conn: sqlite3.Connection | None) -> bool:
    if conn is None:
        return False
    try:
        return conn.in_transaction
    except sqlite3.ProgrammingError:  # closed: SQLite rolled back
        return False


def _gated_call(
    turn: _Turn, driver: Any, fn: Callable[..., Any], args: tuple[Any, ...]
) -> Callable[..., Any]:
    """`fn` wrapped to run in the worker thread with the gate's rules."""
    writes = opens_write(fn, args)

    @functools.wraps(fn)
    def run(*call_args: Any, **call_kwargs: Any) -> Any:
        if writes:
            turn.take()
        try:
            return fn(*call_args, **call_kwargs)
        finally:
            if turn.held and not _in_transaction(driver._connection):
                turn.give_back()

    return run


def gate_connection(driver: Any, gate: WriterGate) -> None:
    """Route every call of one aiosqlite connection through the gate."""
    turn = _Turn(gate)
    queue = driver._execute  # aiosqlite: runs `fn` in the connection's thread

    async def gated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await queue(_gated_call(turn, driver, fn, args), *args, **kwargs)

    driver._execute = gated
    weakref.finalize(driver, turn.give_back)  # dropped without close()


def install(engine: Engine, database: str) -> WriterGate | None:
    """Gate every connection `engine` opens (file databases only)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    gate = gate_for(database, SQLITE_BUSY_TIMEOUT_MS / 1000)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        gate_connection(dbapi_connection.driver_connection, gate)

    event.listen(engine, "connect", on_connect)
    return gate
