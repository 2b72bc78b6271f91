"""SQL about posts, follows, reactions, comments and home timelines."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.social import Follow, Post, Reaction, TimelineEntry
from app.db.repositories.dialect_insert import insert_for
from app.db.repositories.keyset import newest_first

Position = tuple[dt.datetime, uuid.UUID]


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def get_post(session: AsyncSession, post_id: uuid.UUID) -> Post | None:
    return await session.get(Post, post_id)


async def add_posts_once(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> set[uuid.UUID]:
    """Insert posts, skipping any (source, external_id) already stored; returns
    the ids inserted."""
    if not rows:
        return set()
    stmt = insert_for(session, Post).values(list(rows)).on_conflict_do_nothing()
    await session.execute(stmt)
    wanted = [row["id"] for row in rows]
    found = await session.scalars(select(Post.id).where(Post.id.in_(wanted)))
    return set(found.all())


async def delete_external_post(
    session: AsyncSession, author_id: uuid.UUID, source: str, external_id: str
) -> int:
    result = await session.execute(
        delete(Post).where(
            Post.author_id == author_id,
            Post.source == source,
            Post.external_id == external_id,
        )
    )
    return _rowcount(result)


async def count_followers(session: AsyncSession, member_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Follow).where(Follow.followee_id == member_id)
    )
    return int(count or 0)


async def list_follower_page(
    session: AsyncSession, member_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    stmt = select(Follow.follower_id).where(Follow.followee_id == member_id)
    if after is not None:
        stmt = stmt.where(Follow.follower_id > after)
    rows = await session.scalars(stmt.order_by(Follow.follower_id).limit(limit))
    return list(rows.all())


async def add_timeline_entries(
    session: AsyncSession, post: Post, owner_ids: Sequence[uuid.UUID]
) -> int:
    """Push `post` into each owner's timeline once (idempotent per owner)."""
    if not owner_ids:
        return 0
    rows = [
        {
            "owner_id": owner,
            "post_id": post.id,
            "author_id": post.author_id,
            "post_created_at": post.created_at,
        }
        for owner in owner_ids
    ]
    stmt = insert_for(session, TimelineEntry).values(rows).on_conflict_do_nothing()
    return _rowcount(await session.execute(stmt))


async def trim_timelines(
    session: AsyncSession, owner_ids: Sequence[uuid.UUID], cap: int
) -> int:
    """Delete each owner's entries beyond the newest `cap`."""
    if not owner_ids:
        return 0
    rank = (
        func.row_number()
        .over(
            partition_by=TimelineEntry.owner_id,
            order_by=(
                TimelineEntry.post_created_at.desc(),
                TimelineEntry.post_id.desc(),
            ),
        )
        .label("rank")
    )
    ranked = (
        select(TimelineEntry.owner_id, TimelineEntry.post_id, rank)
        .where(TimelineEntry.owner_id.in_(list(owner_ids)))
        .subquery()
    )
    beyond = select(ranked.c.owner_id, ranked.c.post_id).where(ranked.c.rank > cap)
    result = await session.execute(
        delete(TimelineEntry)
        .where(tuple_(TimelineEntry.owner_id, TimelineEntry.post_id).in_(beyond))
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


async def list_timeline_posts(
    session: AsyncSession, owner_id: uuid.UUID, *, after: Position | None, limit: int
) -> list[Post]:
    """The owner's pushed timeline, newest first, as posts."""
    stmt = (
        select(Post)
        .join(TimelineEntry, TimelineEntry.post_id == Post.id)
        .where(TimelineEntry.owner_id == owner_id)
    )
    page = newest_first(
        stmt,
        TimelineEntry.post_created_at,
        TimelineEntry.post_id,
        after=after,
        limit=limit,
    )
    return list((await session.scalars(page)).all())


async def list_pulled_posts(
    session: AsyncSession,
    viewer_id: uuid.UUID,
    *,
    min_followers: int,
    after: Position | None,
    limit: int,
) -> list[Post]:
    """Posts of followed authors with more than `min_followers` followers
    (never pushed), newest first."""
    followed = select(Follow.followee_id).where(Follow.follower_id == viewer_id)
    popular = (
        select(Follow.followee_id)
        .where(Follow.followee_id.in_(followed))
        .group_by(Follow.followee_id)
        .having(func.count() > min_followers)
    )
    stmt = select(Post).where(Post.author_id.in_(popular))
    page = newest_first(stmt, Post.created_at, Post.id, after=after, limit=limit)
    return list((await session.scalars(page)).all())


async def add_follow_once(session: AsyncSession, follow: Follow) -> bool:
    """True when the follow is new (a repeat of an existing follow is a no-op)."""
    stmt = (
        insert_for(session, Follow)
        .values(
            id=follow.id,
            follower_id=follow.follower_id,
            followee_id=follow.followee_id,
            created_at=follow.created_at,
        )
        .on_conflict_do_nothing()
    )
    return _rowcount(await session.execute(stmt)) == 1


async def remove_follow(
    session: AsyncSession, follower_id: uuid.UUID, followee_id: uuid.UUID
) -> uuid.UUID | None:
    follow = await session.scalar(
        select(Follow).where(
            Follow.follower_id == follower_id, Follow.followee_id == followee_id
        )
    )
    if follow is None:
        return None
    await session.delete(follow)
    await session.execute(
        delete(TimelineEntry).where(
            TimelineEntry.owner_id == follower_id,
            TimelineEntry.author_id == followee_id,
        )
    )
    return follow.id


async def add_reaction(
    session: AsyncSession,
    *,
    post_id: uuid.UUID,
    actor_id: uuid.UUID,
    kind: str,
    created_at: dt.datetime,
) -> uuid.UUID | None:
    """Insert the actor's reaction; None when one exists already (even one a
    concurrent request inserted a moment ago: no IntegrityError, no 500)."""
    reaction_id = uuid.uuid4()
    stmt = (
        insert_for(session, Reaction)
        .values(
            id=str(reaction_id),
            post_id=str(post_id),
            actor_id=str(actor_id),
            kind=kind,
            created_at=created_at,
        )
        .on_conflict_do_nothing(index_elements=["post_id", "actor_id"])
    )
    result = await session.execute(stmt)
    inserted = int(getattr(result, "rowcount", 0) or 0)
    return reaction_id if inserted else None


async def get_reaction(
    session: AsyncSession, post_id: uuid.UUID, actor_id: uuid.UUID
) -> Reaction | None:
    return await session.scalar(
        select(Reaction).where(
            Reaction.post_id == post_id, Reaction.actor_id == actor_id
        )
    )
