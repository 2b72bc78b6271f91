"""Shared pieces of the fault suite (reliability.md §3): waiting, table counts,
latency summaries, and the real app served in Inngest mode.

Counters come from the database and the fakes, never from the code under test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import statistics
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.base import Base
from app.jobs.job_context import Handler
from app.jobs.registry import Worker, WorkerRegistry, load_workers
from app.main import create_app
from app.runtime import Runtime
from tests.fakes.event_api import TEST_EVENT_KEY
from tests.inngest_server import InngestServer
from tests.support.api_world import World, build_world

EVENT_KEY = TEST_EVENT_KEY
SIGNING_KEY = "signkey-test-" + "cd" * 32


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = int(
                await conn.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(statistics.median(values) * 1000, 1) if values else 0.0,
        "p99": round(percentile(values, 99) * 1000, 1),
        "max": round(max(values, default=0.0) * 1000, 1),
    }


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass
class InngestStack:
    server: InngestServer
    world: World
    runtime: Runtime
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def inngest_stack(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api_url: Callable[[InngestServer], str] | None = None,
    **overrides: Any,
) -> AsyncIterator[InngestStack]:
    """The real app in Inngest mode, synced with a cloud-mode stand-in, and a
    small world (tests/support/api_world.py) with an HTTP client."""
    async with InngestServer(mode="cloud") as server:
        settings = settings_factory(
            INNGEST_ENABLED=True,
            INNGEST_EVENT_KEY="test-event-key",
            INNGEST_SIGNING_KEY=server.signing_key,
            INNGEST_BASE_URL=server.url,
            INNGEST_EVENT_API_BASE_URL=(
                event_api_url(server) if event_api_url else server.url
            ),
            OUTBOX_POLL_INTERVAL_S=0.1,
            **overrides,
        )
        world = await build_world(engine, settings)
        app = create_app(settings)
        async with server.attach(app) as url:
            base = url.removesuffix(settings.INNGEST_SERVE_PATH)
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                yield InngestStack(server, world, app.state.runtime, client)


def clone_registry(
    wrap: Callable[[Worker], Handler] | None = None,
) -> WorkerRegistry:
    """A fresh registry with every app worker (handlers optionally wrapped),
    to which a test can add its own probe workers."""
    registry = WorkerRegistry()
    for w in load_workers().workers:
        registry.worker(
            fn_id=w.fn_id,
            event=w.event,
            cron=w.cron,
            retries=w.retries,
            third_party=w.third_party,
            **w.flow_control,
        )(wrap(w) if wrap else w.handler)
    return registry
