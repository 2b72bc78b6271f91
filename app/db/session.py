"""Engine and session factories (built by the app, never at import time)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings
from app.db import sqlite_writer_gate

SessionMaker = async_sessionmaker[AsyncSession]


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(
            f"PRAGMA busy_timeout={sqlite_writer_gate.SQLITE_BUSY_TIMEOUT_MS}"
        )
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    return on_connect


def create_engine(settings: Settings, *, durable_commits: bool = True) -> AsyncEngine:
    """`durable_commits=False` (SQLite only; the relay's engine): commits are
    not fsynced (WAL with `synchronous=NORMAL`), so they hold SQLite's write
    lock for microseconds instead of a disk flush. Safe for what the relay
    writes: a lease or a "sent" mark lost in an OS crash or power cut only
    means the event is sent again, and the event id de-duplicates it."""
    # hide_parameters: a failed statement's error text would otherwise carry
    # `[parameters: ...]` (tokens, post text) into logs and Sentry.
    kwargs: dict[str, Any] = {"echo": settings.DATABASE_ECHO, "hide_parameters": True}
    if settings.DATABASE_URL.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
    engine = create_async_engine(settings.DATABASE_URL, **kwargs)
    if engine.dialect.name == "sqlite":
        synchronous = "FULL" if durable_commits else "NORMAL"
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(synchronous))
        if settings.SQLITE_WRITER_GATE:
            sqlite_writer_gate.install(engine.sync_engine, engine.url.database or "")
    return engine


def create_autocommit_engine(settings: Settings) -> AsyncEngine:
    """A small PostgreSQL pool for single-statement work on every Inngest call
    (the shared replay store): autocommit (no BEGIN/COMMIT round trips) and no
    pre-ping (a connection the server dropped fails one call and is replaced).
    About half the time and CPU of a transaction on the app's engine."""
    return create_async_engine(
        settings.DATABASE_URL,
        echo=settings.DATABASE_ECHO,
        hide_parameters=True,
        isolation_level="AUTOCOMMIT",
        pool_size=5,
        max_overflow=5,
    )


def create_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(engine: AsyncEngine, timeout_s: float) -> bool:
    """True when the database answers `SELECT 1` within the timeout."""
    return await ping_failure(engine, timeout_s) is None


async def ping_failure(engine: AsyncEngine, timeout_s: float) -> str | None:
    """None when the database answers `SELECT 1` within the timeout, else why
    not: `timeout` or the error's class (never its text: it may hold values)."""
    try:
        async with asyncio.timeout(timeout_s), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # noqa: BLE001 - any failure = not ready
        return type(exc).__name__
    return None
