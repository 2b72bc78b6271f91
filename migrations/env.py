"""Alembic environment: async engine from the app's settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from app.core.config import Settings
from app.core.startup_guards import exit_if_database_unreachable, load_settings
from app.db import models  # noqa: F401 - registers every table on the metadata
from app.db.base import Base
from app.db.session import create_engine

target_metadata = Base.metadata


def _url() -> str:
    configured = context.config.attributes.get("database_url")
    # load_settings: a bad configuration is one line listing every problem.
    return str(configured) if configured else load_settings().DATABASE_URL


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
        return
    engine = create_engine(Settings(DATABASE_URL=_url()))
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run_sync)
            await conn.commit()
    except Exception as exc:
        exit_if_database_unreachable(exc)  # one line, no traceback
        raise
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
