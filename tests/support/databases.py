"""Test databases: a SQLite file and a throwaway PostgreSQL database per session.

PostgreSQL comes from TEST_POSTGRES_URL (default: the local server). When it
cannot be reached the PostgreSQL variants are skipped with the reason, unless
TEST_REQUIRE_POSTGRES=1 (set by `.ci/run`), which turns that into a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.base import Base

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


class PostgresUnavailableError(RuntimeError):
    pass


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get("TEST_REQUIRE_POSTGRES", "") not in ("", "0", "false")


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(sql: str) -> None:
    try:
        conn = await asyncpg.connect(_plain(postgres_admin_url()), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise PostgresUnavailableError(
            f"PostgreSQL at TEST_POSTGRES_URL is unreachable: {type(exc).__name__}"
        ) from exc
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_postgres_database() -> str:
    name = f"gymjobs_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = _plain(postgres_admin_url()).rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrate(url: str) -> None:
    """Apply the real Alembic migrations (the schema under test is the shipped one)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


async def truncate_all(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))
