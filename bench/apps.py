"""ASGI factories the benchmark serves with uvicorn (each in its own process).

- `full_app`: the real `create_app()` from environment settings, with Sentry
  on (an in-memory transport), the real logging and middleware, every worker,
  plus one no-op worker (`BENCH_STRIP` takes pieces out for the floor variant). `BENCH_DISPATCH=off` swaps the routes' `dispatch`
  dependency for one that stages nothing: "the same route without dispatch".
- `bare_app`: the Inngest SDK alone serving the same no-op function in a
  minimal FastAPI app (the baseline for our `/api/inngest` overhead).
- `fake_event_api`: a loopback Inngest event API that accepts every batch,
  at once or after `BENCH_EVENT_API_DELAY_S` (the "down" case is a port where
  nothing listens).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
from collections.abc import Callable
from typing import Any

import inngest
import inngest.fast_api
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.deps import SessionDep, get_dispatch
from app.core.config import Settings
from app.jobs.dispatch import new_event_id
from app.jobs.events.base import PlatformEvent
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry, load_workers
from app.main import create_app
from tests.support.sentry_capture import CapturingTransport

NOOP_FN_ID = "bench-noop"
NOOP_CRON = "0 0 1 1 *"  # never fires by itself: the benchmark calls it
BARE_APP_ID = "bench-bare"


async def noop(_: None, job: JobContext) -> dict[str, bool]:
    return {"ok": True}


def bench_registry() -> WorkerRegistry:
    """Every real worker plus the no-op (the app's REGISTRY is left alone)."""
    registry = WorkerRegistry()
    for worker in load_workers().workers:
        registry.worker(
            fn_id=worker.fn_id,
            event=worker.event,
            cron=worker.cron,
            retries=worker.retries,
            **worker.flow_control,
        )(worker.handler)
    registry.worker(fn_id=NOOP_FN_ID, cron=NOOP_CRON, retries=0)(noop)
    return registry


class MemoryTransport(CapturingTransport):
    """Keeps only a count: a long run must not grow the heap."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.count = 0

    def capture_envelope(self, envelope: Any) -> None:
        self.count += 1


class NoDispatch:
    """What `dispatch` returns, without staging anything (baseline routes)."""

    async def __call__(self, *events: PlatformEvent) -> list[str]:
        return [new_event_id(event) for event in events]


def no_dispatch(session: SessionDep) -> NoDispatch:
    return NoDispatch()  # same dependencies as the real one (the session)


def _dump_at_shutdown(app: Any, dump: Callable[[], None]) -> Any:
    """`app`, calling `dump` when the lifespan shuts down (uvicorn re-raises
    SIGTERM afterwards, so atexit would not run)."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_and_dump(message: Any) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                dump()
            await send(message)

        await app(scope, receive, send_and_dump)

    return wrapped


def _maybe_profiled(app: FastAPI) -> Any:
    """`BENCH_PROFILE=<file>`: cProfile this server process, written out at
    shutdown."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        return app
    profiler = cProfile.Profile()
    profiler.enable()

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(target)

    return _dump_at_shutdown(app, dump)


def _maybe_traced(app: Any) -> Any:
    """`BENCH_SQLITE_TRACE=<file>`: count SQLite calls, their time and busy
    waits in this process (`bench/sqlite_trace.py`), written at shutdown."""
    target = os.environ.get("BENCH_SQLITE_TRACE")
    if not target:
        return app
    from bench import sqlite_trace

    return _dump_at_shutdown(app, sqlite_trace.install(target))


def _maybe_gc_counted(app: Any) -> Any:
    """`BENCH_GC_STATS=<file>`: count this server's garbage collections by
    generation and the time spent in them, written as JSON at shutdown."""
    target = os.environ.get("BENCH_GC_STATS")
    if not target:
        return app
    import gc
    import json
    import time

    counts = [0, 0, 0]
    seconds = [0.0, 0.0, 0.0]
    collected = [0, 0, 0]
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        generation = info["generation"]
        if phase == "start":
            started[0] = time.perf_counter()
            return
        counts[generation] += 1
        seconds[generation] += time.perf_counter() - started[0]
        collected[generation] += info.get("collected", 0)

    gc.callbacks.append(on_gc)

    def dump() -> None:
        gc.callbacks.remove(on_gc)
        stats = {"counts": counts, "seconds": seconds, "collected": collected}
        with open(target, "w") as out:
            json.dump(stats, out)

    return _dump_at_shutdown(app, dump)


def full_app() -> Any:
    settings = Settings(_env_file=None)
    app = create_app(
        settings, registry=bench_registry(), sentry_transport=MemoryTransport()
    )
    if os.environ.get("BENCH_DISPATCH", "on") == "off":
        app.dependency_overrides[get_dispatch] = no_dispatch
    _strip(app, os.environ.get("BENCH_STRIP", ""))
    return _maybe_gc_counted(_maybe_traced(_maybe_profiled(app)))


def _strip(app: Any, parts: str) -> None:
    """`BENCH_STRIP=edge,middleware` (the floor variant, not app behaviour):
    serve /api/inngest straight from the SDK's FastAPI app (no Sentry scope,
    host check or signature guard) and/or without our Inngest middleware, to
    show what the rest of the app costs on top of the bare SDK."""
    names = {p.strip() for p in parts.split(",") if p.strip()}
    if "edge" in names:
        app.serve_app = app.serve_app.endpoint
    if "middleware" in names:
        app.state.runtime.inngest_client.middleware = []


def bare_app() -> Any:
    client = inngest.Inngest(
        app_id=BARE_APP_ID,
        is_production=True,
        signing_key=os.environ["INNGEST_SIGNING_KEY"],
        event_key="bench-event-key",
    )

    @client.create_function(
        fn_id=NOOP_FN_ID, trigger=inngest.TriggerCron(cron=NOOP_CRON), retries=0
    )
    async def bare_noop(ctx: inngest.Context) -> dict[str, bool]:
        return {"ok": True}

    app = FastAPI()
    inngest.fast_api.serve(app, client, [bare_noop], serve_path="/api/inngest")
    return _maybe_gc_counted(_maybe_profiled(app))


def fake_event_api() -> Starlette:
    delay = float(os.environ.get("BENCH_EVENT_API_DELAY_S", "0"))
    received = {"requests": 0, "events": 0}

    async def receive(request: Request) -> Response:
        received["requests"] += 1
        body = await request.json()
        events = body if isinstance(body, list) else [body]
        received["events"] += len(events)
        if delay:
            await asyncio.sleep(delay)
        ids = [f"bench-{received['requests']}-{i}" for i in range(len(events))]
        return JSONResponse({"ids": ids, "status": 200})

    async def stats(_: Request) -> Response:
        return JSONResponse(received)

    return Starlette(
        routes=[
            Route("/e/{key}", receive, methods=["POST"]),
            Route("/stats", stats, methods=["GET"]),
        ]
    )


def fake_wearable_provider() -> Starlette:
    """The tests' provider fake with 40 nights of Oura sleep for `ann`."""
    from app.integrations.wearables.fake_provider import FakeWearableProvider
    from tests.e2e.sync_social import seed_history

    fake = FakeWearableProvider()
    seed_history(fake)

    async def ready(_: Request) -> Response:
        return JSONResponse({"ok": True})

    fake.app.router.routes.append(Route("/ready", ready, methods=["GET"]))
    return fake.app
