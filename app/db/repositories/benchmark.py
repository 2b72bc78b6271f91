"""SQL about benchmark results."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.benchmark import Benchmark


async def add_benchmark(session: AsyncSession, benchmark: Benchmark) -> None:
    session.add(benchmark)
    await session.flush()


async def get_benchmark(
    session: AsyncSession, benchmark_id: uuid.UUID
) -> Benchmark | None:
    return await session.get(Benchmark, benchmark_id)


async def list_benchmarks(
    session: AsyncSession, member_id: uuid.UUID, *, until: dt.datetime
) -> list[Benchmark]:
    """A member's results with `performed_at < until`, oldest first."""
    rows = await session.scalars(
        select(Benchmark)
        .where(Benchmark.member_id == member_id, Benchmark.performed_at < until)
        .order_by(Benchmark.performed_at, Benchmark.id)
    )
    return list(rows.all())
