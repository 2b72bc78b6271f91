"""The pool gauge counts what is out, and never goes below it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core import metrics
from app.db.pool_metrics import track_pool

pytestmark = pytest.mark.db


def in_use(name: str) -> float:
    value = metrics.db_pool_in_use.labels(name)._value.get()
    return float(value)


async def test_a_connection_out_before_tracking_never_drives_the_gauge_negative(
    engine: AsyncEngine,
) -> None:
    name = f"test-{id(engine)}"
    early = await engine.connect()  # checked out before the gauge listens
    track_pool(engine, name)
    base = in_use(name)
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        assert in_use(name) == base + 1
    assert in_use(name) == base
    await early.close()  # its check-in was never counted: no decrement
    assert in_use(name) == base
