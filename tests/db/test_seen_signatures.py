"""The shared replay store on SQLite and PostgreSQL: one accepted use per
(MAC, step), a MAC bound to one target, forget, purge, and concurrent uses."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import SeenSignature
from app.db.repositories.seen_signatures import DatabaseSeenSignatures

pytestmark = pytest.mark.db
NOW = 1_800_000_000.0
MAC = "cd" * 32


async def rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(select(func.count()).select_from(SeenSignature)) or 0
        )


async def test_one_use_per_step_and_one_target_per_mac(engine: AsyncEngine) -> None:
    store = DatabaseSeenSignatures(engine)
    exp = NOW + 301
    assert await store.reserve(MAC, "POST a", "step", exp, NOW)
    assert not await store.reserve(MAC, "POST a", "step", exp, NOW)
    assert not await store.reserve(MAC, "POST b", "step", exp, NOW)
    assert await store.reserve(MAC, "POST a", "f00d", exp, NOW)
    assert not await store.reserve(MAC, "POST a", "f00d", exp, NOW)
    await store.forget(MAC, "POST a", "step")
    assert await store.reserve(MAC, "POST a", "step", exp, NOW)
    await store.forget(MAC, "POST a", "step")
    await store.forget(MAC, "POST a", "f00d")
    assert await rows(engine) == 0
    assert await store.reserve(MAC, "POST b", "step", exp, NOW)  # free again


async def test_expired_rows_are_purged(engine: AsyncEngine) -> None:
    store = DatabaseSeenSignatures(engine)
    assert await store.reserve("ab" * 32, "POST a", "step", NOW + 301, NOW)
    other = DatabaseSeenSignatures(engine)  # a fresh process purges first
    assert await other.reserve(MAC, "POST a", "step", NOW + 1000, NOW + 400)
    assert await rows(engine) == 1


async def test_concurrent_uses_of_one_mac_accept_exactly_one(
    engine: AsyncEngine,
) -> None:
    stores = [DatabaseSeenSignatures(engine) for _ in range(8)]
    results = await asyncio.gather(
        *(s.reserve(MAC, "POST a", "step", NOW + 301, NOW) for s in stores)
    )
    assert sorted(results) == [False] * 7 + [True]
