"""A served app (inline mode) and a small world: two gyms with staff and members."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Member
from app.db.session import create_sessionmaker
from app.main import create_app
from tests.support.gym_builders import add_gym, add_member, bearer
from tests.support.serving import serve


@dataclasses.dataclass
class World:
    settings: Settings
    members: dict[str, Member]

    def id(self, who: str) -> uuid.UUID:
        return self.members[who].id

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.settings, self.members[who])


async def build_world(engine: AsyncEngine, settings: Settings) -> World:
    """Gym 1: member `ann`, `bob`, coach `cara`, owner `olga`; gym 2: `zed`, `zoe`."""
    async with create_sessionmaker(engine)() as session, session.begin():
        home, away = add_gym(session), add_gym(session)
        await session.flush()
        members = {
            "ann": add_member(session, home, timezone="UTC"),
            "bob": add_member(session, home, timezone="UTC"),
            "cara": add_member(session, home, role="coach", timezone="UTC"),
            "olga": add_member(session, home, role="owner", timezone="UTC"),
            "zed": add_member(session, away, timezone="UTC"),
            "zoe": add_member(session, away, role="coach", timezone="UTC"),
        }
    return World(settings, members)


@pytest.fixture
async def world(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> World:
    return await build_world(engine, settings_factory(INNGEST_ENABLED=False))


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve(create_app(world.settings)) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as c,
    ):
        yield c
