"""PortableUUID and migration 0010: native `uuid` on PostgreSQL, text on SQLite.

The migration test runs the real Alembic chain on a throwaway PostgreSQL
database: rows written as text before 0010 come out as uuid after it, foreign
keys and cascades still hold, text ids (outbox, event ids) stay text, and the
downgrade brings the text back.
"""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

import app.db.models  # noqa: F401 - registers every table
from app.db.base import Base, PortableUUID
from app.db.models import Gym
from tests.support import databases

MIGRATION = databases.ROOT / "migrations" / "versions" / "0010_native_uuid.py"


def migration_0010() -> Any:
    spec = importlib.util.spec_from_file_location("migration_0010", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_converts_exactly_the_models_uuid_columns() -> None:
    in_models = {
        table.name: tuple(
            c.name for c in table.columns if isinstance(c.type, PortableUUID)
        )
        for table in Base.metadata.sorted_tables
    }
    assert {t: c for t, c in in_models.items() if c} == migration_0010().UUID_COLUMNS


def test_a_string_that_is_no_uuid_is_refused_before_the_database() -> None:
    with pytest.raises(ValueError, match="badly formed"):
        PortableUUID().process_bind_param(
            "gym-1", sa.create_engine("sqlite://").dialect
        )


@pytest.mark.db
async def test_ids_are_uuid_objects_on_both_backends(engine: AsyncEngine) -> None:
    gym_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(sa.insert(Gym).values(id=str(gym_id), name="g"))
        stored = (await conn.execute(sa.select(Gym.id))).scalar_one()
        raw = (await conn.execute(sa.text("SELECT id FROM gyms"))).scalar_one()
    assert stored == gym_id
    if engine.dialect.name == "sqlite":
        assert raw == str(gym_id)  # 36-character text, as before
    else:
        assert isinstance(raw, uuid.UUID)  # native uuid


# -- the migration on PostgreSQL ---------------------------------------------


def alembic(url: str, verb: str, revision: str) -> None:
    config = Config(str(databases.ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(databases.ROOT / "migrations"))
    config.attributes["database_url"] = url
    getattr(command, verb)(config, revision)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    try:
        url = databases.create_postgres_database()
    except databases.PostgresUnavailableError as exc:
        if databases.postgres_required():
            pytest.fail(f"TEST_REQUIRE_POSTGRES is set but {exc}")
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        databases.drop_postgres_database(url)


def sql(url: str, *statements: str) -> list[list[asyncpg.Record]]:
    async def run() -> list[list[asyncpg.Record]]:
        conn = await asyncpg.connect(url.replace("+asyncpg", ""), timeout=5)
        try:
            return [await conn.fetch(statement) for statement in statements]
        finally:
            await conn.close()

    return asyncio.run(run())


def column_types(url: str) -> dict[tuple[str, str], str]:
    [rows] = sql(
        url,
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public'",
    )
    return {(r["table_name"], r["column_name"]): r["data_type"] for r in rows}


# The ids written into the SQL below:
POST = "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c44"
COMMENT = "c0ffee00-1111-4222-8333-444455556666"
SEED = [
    "INSERT INTO gyms (id, name, timezone, created_at)"
    " VALUES ('0b6f3f0e-8a4e-4c57-9a53-5f2f1c0e7a11', 'g', 'UTC', now())",
    "INSERT INTO members (id, gym_id, role, timezone, contract_kind, created_at)"
    " VALUES ('5d0c6f6e-2f0b-4c1e-8a55-2b7f7f6f9d22', '0b6f3f0e-8a4e-4c57-9a53-5f2f1c0e7a11',"
    " 'member', 'UTC', 'month_to_month', now())",
    "INSERT INTO posts (id, author_id, gym_id, kind, source, body, created_at)"
    " VALUES ('9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c44', '5d0c6f6e-2f0b-4c1e-8a55-2b7f7f6f9d22',"
    " '0b6f3f0e-8a4e-4c57-9a53-5f2f1c0e7a11', 'text', 'member', 'hi', now())",
    "INSERT INTO comments (id, post_id, author_id, body, created_at)"
    " VALUES ('c0ffee00-1111-4222-8333-444455556666', '9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c44',"
    " '5d0c6f6e-2f0b-4c1e-8a55-2b7f7f6f9d22', 'x', now())",
    "INSERT INTO outbox_events (id, name, category, resource_id, payload, status,"
    " attempts, rejections, created_at, next_attempt_at)"
    " VALUES ('platform/x:key-1', 'platform/x', 'scoring', 'r', '{}', 'pending', 0,"
    " 0, now(), now())",
]


def test_0010_converts_rows_keys_and_back(postgres_url: str) -> None:
    alembic(postgres_url, "upgrade", "0005")
    sql(postgres_url, *SEED)
    assert column_types(postgres_url)[("members", "id")] == "character varying"

    alembic(postgres_url, "upgrade", "0010")
    types = column_types(postgres_url)
    for table, columns in migration_0010().UUID_COLUMNS.items():
        for column in columns:
            assert types[(table, column)] == "uuid", (table, column)
    uuid_columns = {
        (t, c) for t, cs in migration_0010().UUID_COLUMNS.items() for c in cs
    }
    assert {k for k, v in types.items() if v == "uuid"} == uuid_columns
    assert types[("outbox_events", "id")] == "character varying"
    assert types[("dead_letters", "event_id")] == "character varying"
    [[joined]] = sql(
        postgres_url,
        "SELECT c.id AS comment, p.id AS post FROM comments c"
        " JOIN posts p ON p.id = c.post_id JOIN members m ON m.id = c.author_id",
    )
    assert (joined["comment"], joined["post"]) == (uuid.UUID(COMMENT), uuid.UUID(POST))
    # The foreign keys were recreated: enforced, and cascading.
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        sql(
            postgres_url,
            "INSERT INTO comments (id, post_id, author_id, body, created_at)"
            " VALUES (gen_random_uuid(), gen_random_uuid(),"
            " '5d0c6f6e-2f0b-4c1e-8a55-2b7f7f6f9d22', 'x', now())",
        )
    [[fk]] = sql(
        postgres_url,
        "SELECT confdeltype::text AS confdeltype FROM pg_constraint WHERE conname = 'fk_comments_post_id_posts'",
    )
    assert fk["confdeltype"] == "c"  # ON DELETE CASCADE

    alembic(postgres_url, "downgrade", "0005")
    assert column_types(postgres_url)[("comments", "post_id")] == "character varying"
    [[row]] = sql(postgres_url, "SELECT post_id FROM comments")
    assert row["post_id"] == POST
    alembic(postgres_url, "upgrade", "head")
    [[row]] = sql(postgres_url, "SELECT post_id FROM comments")
    assert row["post_id"] == uuid.UUID(POST)


def test_migrations_are_at_0010(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    alembic(url, "upgrade", "head")  # a no-op on SQLite, which keeps text
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        assert version.scalar_one() == "0010"
        columns = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns("gyms")}
    engine.dispose()
    assert str(columns["id"]) == "VARCHAR(36)"
