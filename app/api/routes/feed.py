"""`/api/v1/social/feed` and `/api/v1/social/notifications`: cursor pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import ConfigDict

from app.api.deps import PrincipalDep, SessionDep, SettingsDep
from app.api.routes.social import PostRead
from app.api.schema import ApiSchema
from app.domain.cursor import Cursor, encode_cursor
from app.services import access, social_feed, social_notifications

router = APIRouter(prefix="/api/v1/social", tags=["social"])

Limit = Annotated[int, Query(ge=1, le=100)]
CursorParam = Annotated[str | None, Query(max_length=512)]


class FeedRead(ApiSchema):
    items: list[PostRead]
    next_cursor: str | None


class NotificationRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    verb: str
    object_id: str
    lead_actor_id: str
    actor_ids: list[str]
    other_count: int
    text: str
    created_at: dt.datetime


class NotificationPage(ApiSchema):
    items: list[NotificationRead]
    next_cursor: str | None


@router.get("/feed")
async def read_feed(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    cursor: CursorParam = None,
    limit: Limit = 20,
) -> FeedRead:
    member = await access.get_reachable_member(session, principal, None)
    page = await social_feed.read_feed(
        session, member, settings, cursor=cursor, limit=limit
    )
    return FeedRead(
        items=[PostRead.model_validate(p) for p in page.posts],
        next_cursor=page.next_cursor,
    )


@router.get("/notifications")
async def read_notifications(
    principal: PrincipalDep,
    session: SessionDep,
    cursor: CursorParam = None,
    limit: Limit = 20,
) -> NotificationPage:
    member = await access.get_reachable_member(session, principal, None)
    after = None if cursor is None else social_feed.parse_cursor(cursor)
    rows = await social_notifications.list_notifications(
        session, member.id, after=after, limit=limit + 1
    )
    items = [NotificationRead.model_validate(r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(Cursor(last.created_at, str(last.id)))
    return NotificationPage(items=items, next_cursor=next_cursor)
