"""Follows, reactions and comments, each announced with a `platform/social.*`
event (the notifier consumes them). Reactions are rate limited per actor
(token buckets, domain-methods §5.3); one reaction per (post, actor), and
changing its kind is an update, not a new action."""

from __future__ import annotations

import datetime as dt
import math
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFoundError
from app.db.models.gym import Member
from app.db.models.social import Comment, Follow, Post
from app.db.repositories import member as member_repo
from app.db.repositories import social as social_repo
from app.db.repositories import social_notifications as notification_repo
from app.domain import notifications as nt
from app.domain import social_feed as feed
from app.domain.social_feed import ActivitySource, FeedActivity
from app.jobs.dispatch import Dispatcher
from app.jobs.events.social import (
    CommentAdded,
    MemberFollowed,
    MemberUnfollowed,
    ReactionAdded,
    ReactionRemoved,
)
from app.services import clock
from app.services.errors import InvalidRequestError, MemberNotFoundError


class PostNotFoundError(NotFoundError):
    code = "post_not_found"


class CannotFollowSelfError(InvalidRequestError):
    code = "cannot_follow_self"


class RateLimitedError(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: dt.timedelta) -> None:
        super().__init__("too many reactions, retry later")
        self.retry_after_s = max(1, math.ceil(retry_after.total_seconds()))


async def get_visible_post(
    session: AsyncSession, viewer: Member, post_id: uuid.UUID
) -> Post:
    """A post of the viewer's gym the viewer may see (Strava: its author only)."""
    post = await social_repo.get_post(session, post_id)
    if post is None or post.gym_id != viewer.gym_id:
        raise PostNotFoundError()
    activity = FeedActivity(
        str(post.id), str(post.author_id), post.created_at, ActivitySource(post.source)
    )
    if not feed.is_visible_to(activity, str(viewer.id)):
        raise PostNotFoundError()
    return post


async def follow(
    session: AsyncSession,
    dispatcher: Dispatcher,
    follower: Member,
    followee_id: uuid.UUID,
) -> bool:
    """Follow a member of the same gym; True when the follow is new."""
    if followee_id == follower.id:
        raise CannotFollowSelfError("members cannot follow themselves")
    followee = await member_repo.get_member(session, followee_id)
    if followee is None or followee.gym_id != follower.gym_id:
        raise MemberNotFoundError()
    row = Follow(
        id=uuid.uuid4(),
        follower_id=follower.id,
        followee_id=followee_id,
        created_at=clock.now(),
    )
    if not await social_repo.add_follow_once(session, row):
        return False
    event = MemberFollowed(
        interaction_id=row.id,
        actor_id=follower.id,
        recipient_id=followee_id,
        object_id=followee_id,
    )
    await dispatcher.dispatch(session, event)
    return True


async def unfollow(
    session: AsyncSession,
    dispatcher: Dispatcher,
    follower: Member,
    followee_id: uuid.UUID,
) -> None:
    follow_id = await social_repo.remove_follow(session, follower.id, followee_id)
    if follow_id is not None:
        event = MemberUnfollowed(
            interaction_id=follow_id,
            actor_id=follower.id,
            recipient_id=followee_id,
            object_id=followee_id,
        )
        await dispatcher.dispatch(session, event)


async def react(
    session: AsyncSession,
    dispatcher: Dispatcher,
    actor: Member,
    post_id: uuid.UUID,
    kind: str,
) -> bool:
    """Add or change the actor's reaction; True when it is a new reaction."""
    post = await get_visible_post(session, actor, post_id)
    await take_reaction_token(session, actor)
    reaction_id = await social_repo.add_reaction(
        session, post_id=post.id, actor_id=actor.id, kind=kind, created_at=clock.now()
    )
    if reaction_id is None:
        existing = await social_repo.get_reaction(session, post.id, actor.id)
        if existing is not None:
            existing.kind = kind
        return False
    event = ReactionAdded(
        interaction_id=reaction_id,
        actor_id=actor.id,
        recipient_id=post.author_id,
        object_id=post.id,
    )
    await dispatcher.dispatch(session, event)
    return True


async def unreact(
    session: AsyncSession, dispatcher: Dispatcher, actor: Member, post_id: uuid.UUID
) -> None:
    post = await get_visible_post(session, actor, post_id)
    await take_reaction_token(session, actor)
    existing = await social_repo.get_reaction(session, post.id, actor.id)
    if existing is None:
        return
    await session.delete(existing)
    event = ReactionRemoved(
        interaction_id=existing.id,
        actor_id=actor.id,
        recipient_id=post.author_id,
        object_id=post.id,
    )
    await dispatcher.dispatch(session, event)


async def comment(
    session: AsyncSession,
    dispatcher: Dispatcher,
    actor: Member,
    post_id: uuid.UUID,
    body: str,
) -> Comment:
    post = await get_visible_post(session, actor, post_id)
    row = Comment(
        post_id=post.id, author_id=actor.id, body=body, created_at=clock.now()
    )
    session.add(row)
    await session.flush()
    event = CommentAdded(
        interaction_id=row.id,
        actor_id=actor.id,
        recipient_id=post.author_id,
        object_id=post.id,
    )
    await dispatcher.dispatch(session, event)
    return row


async def take_reaction_token(session: AsyncSession, actor: Member) -> None:
    """One token of the actor's reaction buckets, or `RateLimitedError`."""
    now = clock.now()
    row = await notification_repo.get_rate_state(session, actor.id)
    state = (
        None
        if row is None
        else nt.RateState(row.minute_tokens, row.hour_tokens, row.updated_at)
    )
    limit = nt.choose_reaction_limit(actor.created_at, now)
    decision = nt.check_reaction_rate(state, limit, now)
    if not decision.allowed:
        raise RateLimitedError(decision.retry_after or dt.timedelta(seconds=1))
    await notification_repo.save_rate_state(
        session,
        {
            "actor_id": actor.id,
            "minute_tokens": decision.state.minute_tokens,
            "hour_tokens": decision.state.hour_tokens,
            "updated_at": decision.state.updated_at,
        },
    )
