"""`GET /api/v1/members/{member_id}/scores`: score history with explanations."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter

from app.api.deps import PrincipalDep, SessionDep
from app.api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    next_cursor,
    parse_cursor,
)
from app.api.schema import ApiSchema
from app.db.repositories import score as score_repo
from app.services import access

router = APIRouter(prefix="/api/v1", tags=["scores"])


class ScoreRead(ApiSchema):
    id: uuid.UUID
    member_id: uuid.UUID
    period_on: dt.date
    score: float | None
    config_version: str
    components: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    created_at: dt.datetime
    updated_at: dt.datetime


class ScorePage(ApiSchema):
    items: list[ScoreRead]
    next_cursor: str | None


@router.get("/members/{member_id}/scores")
async def list_member_scores(
    member_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> ScorePage:
    """Newest first; members see their own, staff their gym's members."""
    member = await access.get_reachable_member(session, principal, member_id)
    rows = await score_repo.list_scores(
        session, member.id, after=parse_cursor(cursor), limit=limit
    )
    items = [ScoreRead.model_validate(row, from_attributes=True) for row in rows]
    last = rows[-1] if rows else None
    return ScorePage(
        items=items,
        next_cursor=last
        and next_cursor(last.created_at, last.id, page_len=len(rows), limit=limit),
    )
