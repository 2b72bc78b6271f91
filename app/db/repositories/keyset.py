"""Newest-first keyset pages over `(created_at, id)`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_

T = TypeVar("T")


def newest_first(
    stmt: Select[T],
    created_at: Any,
    row_id: Any,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> Select[T]:
    """Rows after the position `after` (exclusive), newest first, `limit` rows."""
    if after is not None:
        at, last_id = after
        stmt = stmt.where(
            or_(created_at < at, and_(created_at == at, row_id < last_id))
        )
    return stmt.order_by(created_at.desc(), row_id.desc()).limit(limit)
