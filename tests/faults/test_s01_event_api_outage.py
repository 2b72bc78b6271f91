"""S1: the Inngest event API goes away (refused, hanging, non-JSON 502) while
members keep checking in. No event is lost, none is invented, and the
check-in endpoint does not slow down: dispatch never calls Inngest inline.

Short variant (default suite): 100 check-ins at 40/s with ~0.6 s of each
fault. Long variants (`--run-slow`): 1,000 check-ins with a 60 s outage.
Counters come from the database and the fake event API.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import CheckIn, OutboxEvent, OutboxStatus
from app.main import create_app
from tests.fakes.event_api import FakeEventApi, Mode
from tests.faults.harness import EVENT_KEY, SIGNING_KEY, summary_ms
from tests.support.api_world import World, build_world
from tests.support.serving import LoopbackServer, serve
from tests.support.waiting import eventually

pytestmark = pytest.mark.db


@dataclasses.dataclass
class Outage:
    kind: str  # refused | hanging | bad_gateway
    start_s: float
    length_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.length_s


@dataclasses.dataclass
class Sample:
    started_s: float
    latency_s: float
    status: int
    event_id: str | None


@dataclasses.dataclass
class Stack:
    fake: FakeEventApi
    api: LoopbackServer
    world: World
    client: httpx.AsyncClient
    engine: AsyncEngine


@pytest.fixture
async def stack(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> AsyncIterator[Stack]:
    fake, api = event_api
    settings = settings_factory(
        INNGEST_ENABLED=True,
        INNGEST_EVENT_KEY=EVENT_KEY,
        INNGEST_SIGNING_KEY=SIGNING_KEY,
        INNGEST_EVENT_API_BASE_URL=api.url,
        INNGEST_API_BASE_URL=api.url,
        INNGEST_SEND_TIMEOUT_MS=300,
        INNGEST_SEND_DEADLINE_S=1.0,
        OUTBOX_POLL_INTERVAL_S=0.1,
        LOG_LEVEL="WARNING",
    )
    world = await build_world(engine, settings)
    limits = httpx.Limits(max_connections=50)
    async with (
        serve(create_app(settings)) as app,
        httpx.AsyncClient(base_url=app.url, timeout=30, limits=limits) as client,
    ):
        yield Stack(fake, api, world, client, engine)


async def _set_fault(stack: Stack, kind: str | None) -> None:
    if kind == "refused":
        await stack.api.stop()  # the port is closed: connections are refused
        return
    if stack.api.port and not await _listening(stack.api):
        await stack.api.start()  # same port: the API is back
    stack.fake.mode = {
        None: Mode.ACCEPT,
        "hanging": Mode.HANG,
        "bad_gateway": Mode.BAD_GATEWAY_HTML,
    }[kind]


async def _listening(api: LoopbackServer) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", api.port)
    except OSError:
        return False
    writer.close()
    return True


async def _nemesis(stack: Stack, outages: list[Outage], t0: float) -> None:
    for outage in outages:
        await asyncio.sleep(max(0.0, t0 + outage.start_s - time.monotonic()))
        await _set_fault(stack, outage.kind)
        await asyncio.sleep(max(0.0, t0 + outage.end_s - time.monotonic()))
        await _set_fault(stack, None)


async def _check_in(stack: Stack, n: int, t0: float) -> Sample:
    started = time.monotonic()
    response = await stack.client.post(
        "/api/v1/check-ins",
        json={"checked_in_at": f"2026-01-01T00:00:{n % 60:02d}+00:00"},
        headers=stack.world.auth("ann"),
    )
    event_id = response.json().get("event_id") if response.status_code == 201 else None
    return Sample(
        started - t0, time.monotonic() - started, response.status_code, event_id
    )


async def _produce(
    stack: Stack, count: int, rate_per_s: float
) -> tuple[list[Sample], float]:
    t0 = time.monotonic()
    tasks = []
    for n in range(count):
        await asyncio.sleep(max(0.0, t0 + n / rate_per_s - time.monotonic()))
        tasks.append(asyncio.create_task(_check_in(stack, n, t0)))
    return list(await asyncio.gather(*tasks)), t0


async def _db_count(engine: AsyncEngine, stmt: object) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(stmt) or 0)  # type: ignore[call-overload]


async def run_outage(
    stack: Stack,
    count: int,
    rate_per_s: float,
    outages: list[Outage],
    *,
    check_latency: bool,
) -> None:
    t0_box: list[float] = []

    async def nemesis_after_start() -> None:
        while not t0_box:
            await asyncio.sleep(0.001)
        await _nemesis(stack, outages, t0_box[0])

    nemesis = asyncio.create_task(nemesis_after_start())
    t0_box.append(time.monotonic())
    samples, _ = await _produce(stack, count, rate_per_s)
    await nemesis
    recovered = time.monotonic()
    sent_ids = {s.event_id for s in samples if s.event_id}

    async def all_delivered() -> bool:
        return sent_ids <= set(stack.fake.event_ids)

    drain_s = await eventually(all_delivered, "every event at the API", timeout=90)
    await eventually(
        lambda: _all_sent(stack.engine, count), "rows marked sent", timeout=30
    )

    def in_outage(s: Sample) -> bool:
        return any(o.start_s <= s.started_s < o.end_s for o in outages)

    baseline = [s.latency_s for s in samples if not in_outage(s)]
    during = [s.latency_s for s in samples if in_outage(s)]
    received = stack.fake.event_ids
    report = {
        "dispatched": count,
        "non_2xx": sum(s.status != 201 for s in samples),
        "check_ins": await _db_count(
            stack.engine, select(func.count()).select_from(CheckIn)
        ),
        "outbox_rows": await _db_count(
            stack.engine, select(func.count()).select_from(OutboxEvent)
        ),
        "distinct_received": len(set(received)),
        "lost": len(sent_ids - set(received)),
        "redelivered": len(received) - len(set(received)),
        "drain_after_recovery_s": round(drain_s, 2),
        "latency_ms_baseline": summary_ms(baseline),
        "latency_ms_outage": summary_ms(during),
        "outages": [dataclasses.asdict(o) for o in outages],
        "finished_after_s": round(recovered - t0_box[0], 1),
    }
    print(f"S1 {report}")  # noqa: T201
    assert report["non_2xx"] == 0
    assert report["check_ins"] == report["outbox_rows"] == count
    assert len(sent_ids) == count
    assert report["distinct_received"] == count
    assert report["lost"] == 0
    if not check_latency:
        return  # the default suite asserts no timing (the bench does; see docs/benchmarks.md)
    # Dispatch never waits on Inngest: during the outage the typical request
    # is as fast as outside it, and even the slowest 1 % stay under one send
    # attempt's timeout (300 ms), which any inline call to Inngest would cost.
    base, out = summary_ms(baseline), summary_ms(during)
    assert out["p50"] <= base["p50"] + 25, report
    assert out["p99"] < 300, report


async def _all_sent(engine: AsyncEngine, count: int) -> bool:
    sent = await _db_count(
        engine,
        select(func.count())
        .select_from(OutboxEvent)
        .where(OutboxEvent.status == OutboxStatus.SENT.value),
    )
    return sent == count


async def test_short_outage_of_every_kind_loses_nothing(stack: Stack) -> None:
    outages = [
        Outage("refused", 0.4, 0.6),
        Outage("hanging", 1.1, 0.6),
        Outage("bad_gateway", 1.8, 0.5),
    ]
    # Latency is reported, not asserted here: on a shared 2-core machine a
    # timing bound in the default suite is flaky (bench/ measures it).
    await run_outage(stack, 100, 40.0, outages, check_latency=False)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["refused", "hanging", "bad_gateway"])
@pytest.mark.timeout(400)
async def test_sixty_second_outage_during_1000_check_ins(
    kind: str, stack: Stack
) -> None:
    await run_outage(stack, 1000, 20.0, [Outage(kind, 5.0, 60.0)], check_latency=True)
