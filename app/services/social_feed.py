"""Posts and the home feed: hybrid fan-out (domain-methods §5.1).

Ordinary authors' posts are pushed into followers' timelines by a background
job, one bounded chunk of followers per step, idempotent per (owner, post)
and trimmed to the newest 500. Authors above the pull threshold are merged in
at read time. Strava-sourced posts reach their author's timeline only, and
every read re-checks visibility.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.db.models.gym import Member
from app.db.models.social import Post
from app.db.repositories import social as social_repo
from app.db.repositories import workout as workout_repo
from app.domain import social_feed as feed
from app.domain.cursor import decode_cursor
from app.domain.social_feed import ActivitySource, FanoutMode, FeedActivity
from app.integrations.wearables.base import ActivityRecord
from app.jobs.dispatch import Dispatcher
from app.jobs.events.social import PostCreated
from app.services import clock
from app.services.errors import InvalidRequestError, WorkoutNotFoundError


class InvalidCursorError(InvalidRequestError):
    code = "invalid_cursor"


@dataclasses.dataclass(frozen=True)
class Feed:
    posts: list[Post]
    next_cursor: str | None


async def create_post(
    session: AsyncSession,
    dispatcher: Dispatcher,
    author: Member,
    *,
    kind: str,
    body: str | None,
    workout_id: uuid.UUID | None,
) -> Post:
    if workout_id is not None:
        # Only the author's own workout; anything else (another gym's,
        # someone else's, none) is the same 404.
        workout = await workout_repo.get_workout(session, workout_id)
        if workout is None or workout.member_id != author.id:
            raise WorkoutNotFoundError()
    post = Post(
        author_id=author.id,
        gym_id=author.gym_id,
        kind=kind,
        source=ActivitySource.APP.value,
        body=body,
        workout_id=workout_id,
        created_at=clock.now(),
    )
    session.add(post)
    await session.flush()
    await dispatcher.dispatch(
        session, PostCreated(post_id=post.id, author_id=author.id)
    )
    return post


async def add_activity_posts(
    session: AsyncSession,
    dispatcher: Dispatcher,
    member_id: uuid.UUID,
    gym_id: uuid.UUID,
    activities: Sequence[ActivityRecord],
) -> int:
    """Strava activities as owner-only workout posts (once per activity)."""
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "author_id": member_id,
            "gym_id": gym_id,
            "kind": "workout",
            "source": ActivitySource.STRAVA.value,
            "external_id": activity.external_id,
            "created_at": activity.start,
        }
        for activity in activities
    ]
    new_ids = await social_repo.add_posts_once(session, rows)
    events = [PostCreated(post_id=i, author_id=member_id) for i in sorted(new_ids)]
    await dispatcher.dispatch(session, *events)
    return len(new_ids)


async def delete_activity_post(
    session: AsyncSession, member_id: uuid.UUID, external_id: str
) -> None:
    await social_repo.delete_external_post(
        session, member_id, ActivitySource.STRAVA.value, external_id
    )


async def plan_fanout(
    session: AsyncSession, post_id: uuid.UUID, settings: Settings
) -> dict[str, Any]:
    """Push, pull or private, and write the author's own timeline entry."""
    post = await social_repo.get_post(session, post_id)
    if post is None:
        return {"mode": "gone", "followers": 0}
    followers = await social_repo.count_followers(session, post.author_id)
    mode = feed.choose_fanout_mode(
        _activity(post), followers, settings.SOCIAL_PULL_FOLLOWER_THRESHOLD
    )
    await social_repo.add_timeline_entries(session, post, [post.author_id])
    await social_repo.trim_timelines(session, [post.author_id], feed.TIMELINE_CAP)
    return {"mode": mode.value, "followers": followers}


async def fan_out_chunk(
    session: AsyncSession,
    post_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    chunk_size: int,
) -> dict[str, Any]:
    """Push the post to the next `chunk_size` followers (by id, after `after`)."""
    post = await social_repo.get_post(session, post_id)
    if post is None:
        return {"size": 0, "written": 0, "last": None}
    owners = await social_repo.list_follower_page(
        session, post.author_id, after=after, limit=chunk_size
    )
    owners = [o for o in owners if o != post.author_id]
    written = await social_repo.add_timeline_entries(session, post, owners)
    await social_repo.trim_timelines(session, owners, feed.TIMELINE_CAP)
    last = str(owners[-1]) if owners else None
    return {"size": len(owners), "written": written, "last": last}


async def read_feed(
    session: AsyncSession,
    viewer: Member,
    settings: Settings,
    *,
    cursor: str | None,
    limit: int,
) -> Feed:
    """One page: the pushed timeline merged with pulled popular authors."""
    after = None if cursor is None else parse_cursor(cursor)
    pushed = await social_repo.list_timeline_posts(
        session, viewer.id, after=after, limit=limit + 1
    )
    pulled = await social_repo.list_pulled_posts(
        session,
        viewer.id,
        min_followers=settings.SOCIAL_PULL_FOLLOWER_THRESHOLD,
        after=after,
        limit=limit + 1,
    )
    posts = {post.id: post for post in [*pushed, *pulled]}
    page = feed.merge_feed(
        [_activity(p) for p in pushed],
        [_activity(p) for p in pulled],
        str(viewer.id),
        cursor=cursor,
        limit=limit,
    )
    return Feed(
        [posts[uuid.UUID(item.activity_id)] for item in page.items], page.next_cursor
    )


def parse_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        position = decode_cursor(cursor)
        return position.created_at, uuid.UUID(position.item_id)
    except ValueError:
        raise InvalidCursorError() from None


def _activity(post: Post) -> FeedActivity:
    return FeedActivity(
        activity_id=str(post.id),
        author_id=str(post.author_id),
        created_at=post.created_at,
        source=ActivitySource(post.source),
    )


def is_push(plan: dict[str, Any]) -> bool:
    return bool(plan.get("mode") == FanoutMode.PUSH.value)
