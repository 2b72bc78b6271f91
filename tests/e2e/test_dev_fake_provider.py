"""Development defaults never leave the machine: with APP_ENV=development and
no provider settings, connecting a wearable syncs from the built-in fake
provider in-process (a synthetic `fake-badweek-*` token), inline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Environment, Settings
from app.db.models import WearableConnection
from app.integrations.wearables.fake_provider import shared_fake_provider
from app.main import create_app
from tests.e2e import sync_social as ss
from tests.support.api_world import build_world
from tests.support.serving import serve

pytestmark = pytest.mark.db

HISTORY_DAYS = 60  # the default WEARABLE_HISTORY_DAYS
TOKEN = "fake-badweek-4f2a"


async def test_development_syncs_a_badweek_token_from_the_in_process_fake(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
) -> None:
    settings = settings_factory(APP_ENV=Environment.DEVELOPMENT, INNGEST_ENABLED=False)
    assert settings.wearables_fake
    world = await build_world(engine, settings)
    before = len(shared_fake_provider().paths("/oura/v2/usercollection/sleep"))
    today = dt.datetime.now(dt.UTC).date()
    async with (
        serve(create_app(settings)) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as client,
    ):
        connected = await client.post(
            "/api/v1/wearables/connections",
            headers=world.auth("ann"),
            json={
                "provider": "oura",
                "external_user_id": "oura-ann",
                "access_token": TOKEN,
            },
        )
    assert connected.status_code == 201
    assert len(shared_fake_provider().paths("/oura/v2/usercollection/sleep")) > before
    [connection] = await ss.rows(engine, select(WearableConnection))
    assert connection.status == "active"
    ann = world.id("ann")
    assert await ss.reading_count(engine, ann) == HISTORY_DAYS * 5
    red = await ss.readiness_of(engine, ann, today)
    assert red is not None
    assert (red.band, red.hrv_state) == ("red", "below")
    assert set(red.reasons) >= {"hrv_below_normal", "rhr_elevated", "sleep_short"}
    before_the_week = await ss.readiness_of(engine, ann, today - dt.timedelta(days=7))
    assert before_the_week is not None
    assert before_the_week.band == "green"
