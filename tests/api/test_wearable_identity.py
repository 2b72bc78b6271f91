"""Issue 16 #4: a provider user id taken by a member of another gym gets the
same answer as a free one (no 409 telling anyone it is connected anywhere),
and a webhook for an id two members claim is routed to neither (so the
victim's notifications never reach whoever registered the id first)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import WebhookDelivery
from app.db.session import create_sessionmaker
from app.main import create_app
from tests.fakes import webhook_signing as ws
from tests.support.api_world import World, build_world

pytestmark = pytest.mark.db
VICTIM_ID = "10129"
WHOOP_BODY = (
    b'{"user_id":10129,"id":"ecfc6a15-4661-442f-a9a4-f160dd7afae8",'
    b'"type":"recovery.updated","trace_id":"e369c784-5100-49e8-8098-75d35c47b31b"}'
)


async def connect(
    client: httpx.AsyncClient, world: World, who: str, external_id: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/wearables/connections",
        json={
            "provider": "whoop",
            "external_user_id": external_id,
            "access_token": f"token-of-{who}",
        },
        headers=world.auth(who),
    )


def shape(response: httpx.Response) -> tuple[int, list[str], str, str | None]:
    body = response.json()
    return (response.status_code, sorted(body), body["status"], body["broken_reason"])


async def test_a_taken_provider_id_looks_free_and_its_webhooks_go_nowhere(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory(
        INNGEST_ENABLED=True, OUTBOX_RELAY_IN_PROCESS=False, **ws.WEBHOOK_SETTINGS
    )
    world = await build_world(engine, settings)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        attacker = await connect(client, world, "zed", VICTIM_ID)  # other gym, first
        victim = await connect(client, world, "ann", VICTIM_ID)
        fresh = await connect(client, world, "bob", "whoop-free-42")
        hook = await client.post(
            "/api/v1/webhooks/whoop",
            content=WHOOP_BODY,
            headers=ws.whoop_headers(WHOOP_BODY),
        )
    await app.state.runtime.dispose()
    assert shape(victim) == shape(fresh) == shape(attacker)
    assert victim.status_code == 201
    assert hook.status_code == 200
    assert hook.json()["accepted"] == 0
    async with create_sessionmaker(engine)() as session:
        deliveries = (await session.scalars(select(WebhookDelivery))).all()
    assert deliveries == []  # the attacker's connection got nothing
