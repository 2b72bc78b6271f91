"""Opaque newest-first cursors over `(created_at, id)` for list routes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import Query

from app.domain.cursor import Cursor, decode_cursor, encode_cursor
from app.domain.errors import DomainInputError
from app.services.errors import InvalidRequestError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
CursorQuery = Annotated[str | None, Query(max_length=512)]


def parse_cursor(token: str | None) -> tuple[dt.datetime, uuid.UUID] | None:
    if token is None:
        return None
    try:
        cursor = decode_cursor(token)
        return cursor.created_at, uuid.UUID(cursor.item_id)
    except (DomainInputError, ValueError):
        raise InvalidRequestError("invalid_cursor") from None


def next_cursor(
    created_at: dt.datetime, item_id: uuid.UUID, *, page_len: int, limit: int
) -> str | None:
    """A cursor after the last item, or None when this was the last page."""
    if page_len < limit:
        return None
    return encode_cursor(Cursor(created_at, str(item_id)))
