"""Feed fan-out and reads against the database: cap, pull mode, pagination."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Follow, Member, Post, TimelineEntry
from app.db.session import create_sessionmaker
from app.services import social_feed
from tests.support.gym_builders import add_gym, add_member

pytestmark = pytest.mark.db
T0 = dt.datetime(2026, 7, 4, 12, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Graph:
    author: Member
    followers: list[Member]


async def graph(engine: AsyncEngine, followers: int) -> Graph:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        author = add_member(session, gym)
        fans = [add_member(session, gym) for _ in range(followers)]
        await session.flush()
        session.add_all(Follow(follower_id=f.id, followee_id=author.id) for f in fans)
    return Graph(author, fans)


async def add_posts(engine: AsyncEngine, author: Member, count: int) -> list[Post]:
    async with create_sessionmaker(engine)() as session, session.begin():
        posts = [
            Post(
                id=uuid.uuid4(),
                author_id=author.id,
                gym_id=author.gym_id,
                kind="workout",
                source="app",
                created_at=T0 + dt.timedelta(minutes=i),
            )
            for i in range(count)
        ]
        session.add_all(posts)
    return posts


async def fan_out(engine: AsyncEngine, settings: Settings, post: Post) -> str:
    async with create_sessionmaker(engine)() as session, session.begin():
        plan = await social_feed.plan_fanout(session, post.id, settings)
        if social_feed.is_push(plan):
            await social_feed.fan_out_chunk(
                session, post.id, after=None, chunk_size=100
            )
        return str(plan["mode"])


async def timeline_size(engine: AsyncEngine, owner: uuid.UUID) -> int:
    async with create_sessionmaker(engine)() as session:
        count = await session.scalar(
            select(func.count()).where(TimelineEntry.owner_id == owner)
        )
    return int(count or 0)


async def test_timelines_keep_the_newest_500(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    g = await graph(engine, 1)
    posts = await add_posts(engine, g.author, 506)
    fan = g.followers[0].id
    async with create_sessionmaker(engine)() as session, session.begin():
        session.add_all(
            TimelineEntry(
                owner_id=fan,
                post_id=p.id,
                author_id=g.author.id,
                post_created_at=p.created_at,
            )
            for p in posts[:-1]
        )
    assert await timeline_size(engine, fan) == 505
    await fan_out(engine, settings_factory(), posts[-1])
    assert await timeline_size(engine, fan) == 500
    async with create_sessionmaker(engine)() as session:
        kept = await session.scalars(
            select(TimelineEntry.post_id).where(TimelineEntry.owner_id == fan)
        )
        assert set(kept.all()) == {p.id for p in posts[-500:]}


async def test_popular_authors_are_pulled_at_read_time(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    settings = settings_factory(SOCIAL_PULL_FOLLOWER_THRESHOLD=2)
    g = await graph(engine, 3)
    [post] = await add_posts(engine, g.author, 1)
    assert await fan_out(engine, settings, post) == "pull"
    assert await timeline_size(engine, g.followers[0].id) == 0
    async with create_sessionmaker(engine)() as session:
        feed = await social_feed.read_feed(
            session, g.followers[0], settings, cursor=None, limit=10
        )
    assert [p.id for p in feed.posts] == [post.id]


async def test_cursor_pages_are_disjoint_and_ordered(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    settings = settings_factory()
    g = await graph(engine, 1)
    posts = await add_posts(engine, g.author, 25)
    for post in posts:
        await fan_out(engine, settings, post)
    seen: list[uuid.UUID] = []
    cursor: str | None = None
    sizes = []
    async with create_sessionmaker(engine)() as session:
        while True:
            page = await social_feed.read_feed(
                session, g.followers[0], settings, cursor=cursor, limit=10
            )
            sizes.append(len(page.posts))
            seen += [p.id for p in page.posts]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        with pytest.raises(social_feed.InvalidCursorError):
            await social_feed.read_feed(
                session, g.followers[0], settings, cursor="bogus", limit=10
            )
    assert sizes == [10, 10, 5]
    assert seen == [p.id for p in reversed(posts)]
