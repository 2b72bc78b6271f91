"""Inline mode: connecting a wearable answers before the provider is called
back; the sync runs after the response, and the response reports only what
the request knows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.core.config import Settings
from app.db.models import WearableConnection
from app.db.session import create_sessionmaker
from app.main import create_app
from tests.support.api_world import build_world
from tests.support.serving import serve

pytestmark = pytest.mark.db
# Only a bound on a hang the test itself controls: the provider never answers
# until the test releases it, so a route that waited would never answer.
NEVER_S = 60


class HangingProvider:
    def __init__(self) -> None:
        self.called = asyncio.Event()
        self.release = asyncio.Event()
        self.app = Starlette(
            routes=[Route("/oura/v2/usercollection/sleep", self._sleep)]
        )

    async def _sleep(self, request: Request) -> JSONResponse:
        self.called.set()
        await self.release.wait()
        return JSONResponse({"data": [], "next_token": None})


async def test_the_connect_route_answers_while_the_provider_hangs(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    provider = HangingProvider()
    async with serve(provider.app, lifespan="off") as upstream:
        settings = settings_factory(
            INNGEST_ENABLED=False, WEARABLE_OURA_API_BASE_URL=f"{upstream.url}/oura"
        )
        world = await build_world(engine, settings)
        app = create_app(settings)
        runtime = app.state.runtime
        async with serve(app) as server, httpx.AsyncClient(timeout=NEVER_S) as client:
            answer = await client.post(
                f"{server.url}/api/v1/wearables/connections",
                json={
                    "provider": "oura",
                    "external_user_id": "oura-ann",
                    "access_token": "token-ann",
                },
                headers=world.auth("ann"),
            )
            assert answer.status_code == 201
            body = answer.json()
            assert (body["status"], body["last_synced_at"]) == ("active", None)
            # The provider was (or is about to be) called after the response.
            await asyncio.wait_for(provider.called.wait(), NEVER_S)
            assert not provider.release.is_set()
            assert runtime.inline_runner.pending == 1
            provider.release.set()
            assert await runtime.inline_runner.drain(NEVER_S)
    async with create_sessionmaker(engine)() as session:
        [connection] = list((await session.scalars(select(WearableConnection))).all())
    assert connection.status == "active"
    assert connection.last_synced_at is not None
