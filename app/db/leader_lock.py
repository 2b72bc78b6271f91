"""One holder at a time across processes: who runs the inline cron schedule.

PostgreSQL: a session-level advisory lock on a connection this process keeps
checked out; when the holder dies its connection closes and the lock is free,
so a waiting process takes over on its next try. SQLite: an exclusive `flock`
on a file beside the database (one machine, as SQLite itself); an in-memory
database has one process by definition.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from typing import IO

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.logging import get_logger

log = get_logger("app.db.leader_lock")


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LeaderLock:
    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self._engine = engine
        self._name = name
        self._conn: AsyncConnection | None = None
        self._file: IO[bytes] | None = None
        self._in_memory = False

    @property
    def held(self) -> bool:
        return self._conn is not None or self._file is not None or self._in_memory

    async def try_acquire(self) -> bool:
        """Hold the lock (True), or leave it to its holder (False).

        A holder re-checks that its connection is still alive, so a lock lost
        with its connection is noticed here and retaken or given up.
        """
        if self._engine.dialect.name == "postgresql":
            return await self._try_postgres()
        return self._try_file()

    async def release(self) -> None:
        self._in_memory = False
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"),
                    {"key": lock_key(self._name)},
                )
            with contextlib.suppress(Exception):
                await conn.close()
        if self._file is not None:
            handle, self._file = self._file, None
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()

    async def _try_postgres(self) -> bool:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception as exc:  # noqa: BLE001 - the lock went with the connection
                log.warning(
                    "leader_lock.lost", lock=self._name, error=type(exc).__name__
                )
                conn, self._conn = self._conn, None
                with contextlib.suppress(Exception):
                    await conn.invalidate()
        conn = await self._engine.connect()
        try:
            got = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:key)"),
                {"key": lock_key(self._name)},
            )
            await conn.commit()
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    def _try_file(self) -> bool:
        if self._file is not None or self._in_memory:
            return True
        database = self._engine.url.database or ""
        if database in ("", ":memory:"):
            self._in_memory = True
            return True
        handle = open(f"{database}.{self._name}.lock", "ab")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True
