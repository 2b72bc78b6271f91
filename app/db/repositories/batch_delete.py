"""Delete at most `limit` rows matching a condition, by primary key.

One bounded statement per call (`DELETE … WHERE key IN (SELECT key … LIMIT n)`,
which SQLite and PostgreSQL both take, a composite key as a row value), so a
purge of a large backlog holds its locks for one batch at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession


async def delete_batch(
    session: AsyncSession, model: Any, where: ColumnElement[bool], limit: int
) -> int:
    """Rows deleted (at most `limit`)."""
    key = list(model.__table__.primary_key.columns)
    chosen = select(*key).where(where).limit(limit)
    target = key[0] if len(key) == 1 else tuple_(*key)
    result = await session.execute(
        delete(model)
        .where(target.in_(chosen))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
