"""`INSERT ... ON CONFLICT` for the session's backend (PostgreSQL or SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """The dialect's `insert(table)`, which has `on_conflict_do_*`."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)
