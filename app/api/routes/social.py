"""`/api/v1/social`: posts, reactions, comments and follows.

Reactions are rate limited per member: 429 with `Retry-After` (seconds).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field

from app.api.deps import PrincipalDep, RuntimeDep, SessionDep
from app.api.schema import ApiSchema
from app.services import access, social_actions, social_feed
from app.services.social_actions import RateLimitedError

router = APIRouter(prefix="/api/v1/social", tags=["social"])


class PostCreate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    kind: Literal["workout", "note"] = "workout"
    body: str | None = Field(default=None, max_length=2000)
    workout_id: uuid.UUID | None = None


class PostRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_id: uuid.UUID
    kind: str
    source: str
    body: str | None
    workout_id: uuid.UUID | None
    created_at: dt.datetime


class ReactionPut(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["like", "fire", "clap", "strong"] = "like"


class CommentCreate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    body: str = Field(min_length=1, max_length=2000)


class CommentRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    post_id: uuid.UUID
    author_id: uuid.UUID
    created_at: dt.datetime


class Created(ApiSchema):
    created: bool


def _rate_limited(exc: RateLimitedError) -> JSONResponse:
    return JSONResponse(
        {"code": exc.code, "detail": exc.detail},
        status_code=exc.status_code,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


@router.post("/posts", status_code=201)
async def create_post(
    body: PostCreate, principal: PrincipalDep, session: SessionDep, runtime: RuntimeDep
) -> PostRead:
    member = await access.get_reachable_member(session, principal, None)
    post = await social_feed.create_post(
        session,
        runtime.dispatcher,
        member,
        kind=body.kind,
        body=body.body,
        workout_id=body.workout_id,
    )
    return PostRead.model_validate(post)


@router.put("/posts/{post_id}/reaction", response_model=Created)
async def put_reaction(
    post_id: uuid.UUID,
    body: ReactionPut,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Created | JSONResponse:
    member = await access.get_reachable_member(session, principal, None)
    try:
        created = await social_actions.react(
            session, runtime.dispatcher, member, post_id, body.kind
        )
    except RateLimitedError as exc:
        return _rate_limited(exc)
    return Created(created=created)


@router.delete("/posts/{post_id}/reaction", status_code=204, response_model=None)
async def delete_reaction(
    post_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    member = await access.get_reachable_member(session, principal, None)
    try:
        await social_actions.unreact(session, runtime.dispatcher, member, post_id)
    except RateLimitedError as exc:
        return _rate_limited(exc)
    return Response(status_code=204)


@router.post("/posts/{post_id}/comments", status_code=201)
async def create_comment(
    post_id: uuid.UUID,
    body: CommentCreate,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> CommentRead:
    member = await access.get_reachable_member(session, principal, None)
    row = await social_actions.comment(
        session, runtime.dispatcher, member, post_id, body.body
    )
    return CommentRead.model_validate(row)


@router.put("/follows/{member_id}")
async def follow_member(
    member_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Created:
    member = await access.get_reachable_member(session, principal, None)
    created = await social_actions.follow(
        session, runtime.dispatcher, member, member_id
    )
    return Created(created=created)


@router.delete("/follows/{member_id}", status_code=204)
async def unfollow_member(
    member_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    member = await access.get_reachable_member(session, principal, None)
    await social_actions.unfollow(session, runtime.dispatcher, member, member_id)
    return Response(status_code=204)
