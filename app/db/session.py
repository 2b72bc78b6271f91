"""Engine and session factories (built by the app, never at import time)."""

from __future__ import annotations

import asyncio
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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={sqlite_writer_gate.SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": settings.DATABASE_ECHO}
    if settings.DATABASE_URL.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
    engine = create_async_engine(settings.DATABASE_URL, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if settings.SQLITE_WRITER_GATE:
            sqlite_writer_gate.install(engine.sync_engine, engine.url.database or "")
    return engine


def create_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(engine: AsyncEngine, timeout_s: float) -> bool:
    """True when the database answers `SELECT 1` within the timeout."""
    try:
        async with asyncio.timeout(timeout_s), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (TimeoutError, OSError, Exception):  # noqa: BLE001 - any failure = not ready
        return False
    return True
