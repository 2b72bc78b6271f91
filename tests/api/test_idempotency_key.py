"""Issue 16 #11: `Idempotency-Key` on write routes. A repeat with the same key
and body (same principal, within 24 h) gets the first answer and writes
nothing; the same key with another body is refused; keys are per principal."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import CheckIn, IdempotencyKey
from tests.support import api_world
from tests.support.api_world import World

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures
VISIT = {"checked_in_at": "2026-01-01T10:00:00+00:00"}
OTHER_VISIT = {"checked_in_at": "2026-01-02T10:00:00+00:00"}


async def check_ins(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(CheckIn)) or 0)


async def post(
    client: httpx.AsyncClient, world: World, who: str, body: dict[str, str], key: str
) -> httpx.Response:
    headers = {**world.auth(who), "Idempotency-Key": key}
    return await client.post("/api/v1/check-ins", json=body, headers=headers)


async def test_a_repeated_submission_gets_the_first_answer_and_writes_once(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    first = await post(client, world, "ann", VISIT, "visit-1")
    again = await post(client, world, "ann", VISIT, "visit-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert await check_ins(engine) == 1
    reused = await post(client, world, "ann", OTHER_VISIT, "visit-1")
    assert (reused.status_code, reused.json()["code"]) == (
        422,
        "idempotency_key_reused",
    )
    bobs = await post(client, world, "bob", VISIT, "visit-1")  # per principal
    assert bobs.status_code == 201
    assert bobs.json()["id"] != first.json()["id"]
    plain = [
        await client.post("/api/v1/check-ins", json=VISIT, headers=world.auth("ann"))
        for _ in range(2)
    ]
    assert [r.status_code for r in plain] == [201, 201]
    assert await check_ins(engine) == 4  # without a key, nothing changes


async def test_a_key_is_kept_for_24_hours(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    first = await post(client, world, "ann", VISIT, "visit-2")
    async with engine.begin() as conn:
        await conn.execute(
            update(IdempotencyKey).values(
                created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
            )
        )
    later = await post(client, world, "ann", VISIT, "visit-2")
    assert (first.status_code, later.status_code) == (201, 201)
    assert later.json()["id"] != first.json()["id"]
    assert await check_ins(engine) == 2


async def test_a_bad_key_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await post(client, world, "ann", VISIT, "x" * 300)
    assert (response.status_code, response.json()["code"]) == (
        422,
        "invalid_idempotency_key",
    )
