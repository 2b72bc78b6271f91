"""Reacting twice (or concurrently) stores one reaction and announces it once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.models import Post, Reaction
from app.db.session import create_sessionmaker
from app.jobs.dispatch import Dispatcher
from app.jobs.events.base import PlatformEvent
from app.services import social_actions
from tests.support.gym_builders import add_gym, add_member

pytestmark = pytest.mark.db


class RecordingDispatcher(Dispatcher):
    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.events: list[PlatformEvent] = []

    async def dispatch(
        self, session: AsyncSession, *events: PlatformEvent
    ) -> list[str]:
        self.events.extend(events)
        return [str(uuid.uuid4()) for _ in events]


async def test_second_reaction_updates_kind_without_a_second_row_or_event(
    engine: AsyncEngine,
) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        author, fan = add_member(session, gym), add_member(session, gym)
        await session.flush()
        post = Post(author_id=author.id, gym_id=gym.id, kind="workout", source="app")
        session.add(post)
    dispatcher = RecordingDispatcher()
    results = []
    for kind in ("like", "fire"):
        async with maker() as session, session.begin():
            member = await session.get(type(fan), fan.id)
            assert member is not None
            results.append(
                await social_actions.react(session, dispatcher, member, post.id, kind)
            )
    assert results == [True, False]
    async with maker() as session:
        rows = (await session.scalars(select(Reaction))).all()
        count = await session.scalar(select(func.count()).select_from(Reaction))
    assert count == 1
    assert rows[0].kind == "fire"
    assert [e.name for e in dispatcher.events] == ["platform/social.reaction-added"]
