"""Fresh, migrated databases for benchmarks: a SQLite file or a throwaway
PostgreSQL database (on BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else the
local server), built with the real Alembic migrations."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from tests.support.databases import DEFAULT_POSTGRES_URL, migrate

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "bench" / "results" / "tmp"
BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str:
    return os.environ.get(
        "BENCH_POSTGRES_URL", os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_plain(postgres_admin_url()), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not (for the report)."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL unreachable: {type(exc).__name__}"
    return None


@dataclasses.dataclass(frozen=True)
class BenchDatabase:
    backend: str
    url: str  # async driver URL, as the app's settings want it

    @property
    def plain_url(self) -> str:
        """For asyncpg (COPY) or sqlite3 directly."""
        return _plain(self.url)


def create_database(backend: str, label: str) -> BenchDatabase:
    suffix = uuid.uuid4().hex[:8]
    if backend == "sqlite":
        TMP.mkdir(parents=True, exist_ok=True)
        path = TMP / f"{label}-{suffix}.db"
        url = f"sqlite+aiosqlite:///{path}"
    elif backend == "postgresql":
        name = f"gymjobs_bench_{label.replace('-', '_')}_{suffix}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        base = _plain(postgres_admin_url()).rsplit("/", 1)[0]
        url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    else:
        raise ValueError(f"unknown backend {backend!r}")
    migrate(url)
    return BenchDatabase(backend, url)


def drop_database(db: BenchDatabase) -> None:
    if db.backend == "sqlite":
        path = Path(db.url.removeprefix("sqlite+aiosqlite:///"))
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    name = db.url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def fresh_database(backend: str, label: str) -> Iterator[BenchDatabase]:
    db = create_database(backend, label)
    try:
        yield db
    finally:
        drop_database(db)
