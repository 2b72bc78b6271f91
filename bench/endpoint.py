"""`/api/inngest`: invocations per second through the full app vs the bare SDK.

We play Inngest's executor ourselves: signed call requests (JCS-canonical
bodies, `X-Inngest-Signature`, as `tests/inngest_server` builds them) over a
light raw-HTTP client on the other core, several connections at once, so the
server process is the bottleneck and what we measure is the endpoint.

- No-op: one call per invocation (the function returns at once). The full app
  (logging, Sentry with an in-memory transport, request middleware, our
  Inngest middleware) vs the SDK alone serving the same function in a minimal
  FastAPI app; bodies are signed in advance so the client does almost nothing.
- Each worker, full app only: a run is the whole op loop (one call per step
  plus the final one, memoised step results sent back as Inngest does), on a
  small seeded world. Runs repeat the same event, so idempotent workers take
  their "already done" path after the first run (noted per worker).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.core.config import Settings
from app.db.session import create_engine
from bench.apps import BARE_APP_ID, NOOP_CRON, NOOP_FN_ID
from bench.databases import BenchDatabase, fresh_database
from bench.endpoint_world import CRON_EVENT, WorkerCase, world_cases
from bench.harness import Summary, ratio
from bench.procs import Server, servers
from bench.rawhttp import Connection, build_request
from tests.inngest_server import calls, signing
from tests.inngest_server.manual import build_call_body
from tests.inngest_server.models import EventRecord, RegisteredFunction, Run, new_ulid
from tests.support.sentry_capture import TEST_DSN

TARGET_OVERHEAD = 0.10
APP_ID = "gym-platform-jobs"
AUTH_SECRET = "bench-auth-secret-0123456789abcdef-0123456789"  # noqa: S105


@dataclasses.dataclass(frozen=True)
class EndpointConfig:
    noop_calls: int
    worker_runs: int
    repeats: int
    connections: int = 4


@dataclasses.dataclass
class Target:
    """A served function we call: where, and with which signing key."""

    server: Server
    app_id: str
    fn_id: str
    key: str

    @property
    def function(self) -> RegisteredFunction:
        composite = f"{self.app_id}-{self.fn_id}"
        return RegisteredFunction(
            id=composite,
            name=self.fn_id,
            url=f"{self.server.url}/api/inngest?fnId={composite}&stepId=step",
            app=self.app_id,
            triggers=[],
            retries=0,
            config={},
        )


def _raw_call(target: Target, body: dict[str, Any]) -> bytes:
    content = signing.canonical(body)
    fn = target.function
    path = calls.step_url(fn.url, "step").removeprefix(target.server.url)
    return build_request(
        "POST",
        path,
        host=f"127.0.0.1:{target.server.port}",
        headers={
            "content-type": "application/json",
            "x-inngest-signature": signing.sign(content, target.key),
        },
        body=content,
    )


def cron_event() -> dict[str, Any]:
    return {"name": CRON_EVENT, "data": {"cron": NOOP_CRON}}


async def _fan(
    connections: int, work: Callable[[Connection, int], Awaitable[None]], server: Server
) -> None:
    async def one(index: int) -> None:
        async with Connection("127.0.0.1", server.port) as conn:
            await work(conn, index)

    await asyncio.gather(*(one(i) for i in range(connections)))


async def noop_seconds(target: Target, calls_total: int, connections: int) -> float:
    """Seconds for `calls_total` no-op invocations (bodies signed beforehand)."""
    per_conn = calls_total // connections
    bodies = [
        [
            _raw_call(target, build_call_body(target.function, cron_event()))
            for _ in range(per_conn)
        ]
        for _ in range(connections)
    ]

    async def work(conn: Connection, index: int) -> None:
        for raw in bodies[index]:
            res = await conn.send(raw)
            if res.status != 200 or json.loads(res.body) != {"ok": True}:
                raise RuntimeError(f"no-op call: HTTP {res.status} {res.body[:200]!r}")

    started = time.perf_counter()
    await _fan(connections, work, target.server)
    return time.perf_counter() - started


async def noop_rate(target: Target, calls_total: int, connections: int) -> float:
    """Invocations per second of the no-op."""
    calls_total -= calls_total % connections
    return calls_total / await noop_seconds(target, calls_total, connections)


async def run_once(conn: Connection, target: Target, event: dict[str, Any]) -> int:
    """Drive one run to completion like Inngest's executor; returns its calls."""
    fn = target.function
    record = EventRecord(
        internal_id=new_ulid(),
        name=str(event["name"]),
        data=dict(event.get("data") or {}),
        id=new_ulid(),
        ts=int(time.time() * 1000),
    )
    run = Run(id=new_ulid(), function=fn, events=[record])
    for count in range(1, 200):
        body = calls.call_body(run, "step", 0, force_plan=False, use_api=False)
        res = await conn.send(_raw_call(target, body))
        if res.status == 200:
            return count
        if res.status != 206:
            raise RuntimeError(f"{target.fn_id}: HTTP {res.status} {res.body[:300]!r}")
        ops = json.loads(res.body)
        for op in ops if isinstance(ops, list) else [ops]:
            if op.get("op") not in ("StepRun", "Step"):
                raise RuntimeError(f"{target.fn_id}: unexpected op {op.get('op')}")
            run.memos[str(op["id"])] = {"data": op.get("data")}
            run.stack.append(str(op["id"]))
    raise RuntimeError(f"{target.fn_id}: more than 200 calls in one run")


async def worker_rate(
    target: Target, events: list[dict[str, Any]], runs: int, connections: int
) -> tuple[float, float]:
    """(runs per second, calls per second) for `runs` runs; connection i
    repeats `events[i]` (one connection per event at most)."""
    connections = min(connections, len(events))
    per_conn = max(1, runs // connections)
    made = [0] * connections  # calls per connection (no shared counter)

    async def work(conn: Connection, index: int) -> None:
        for _ in range(per_conn):
            made[index] += await run_once(conn, target, events[index])

    started = time.perf_counter()
    await _fan(connections, work, target.server)
    elapsed = time.perf_counter() - started
    return per_conn * connections / elapsed, sum(made) / elapsed


# -- the run ---------------------------------------------------------------------


def full_env(
    db: BenchDatabase, key: str, event_api: str, provider: str
) -> dict[str, str]:
    env = {
        "APP_ENV": "production",
        "APP_ID": APP_ID,
        "AUTH_SECRET": AUTH_SECRET,
        "DATABASE_URL": db.url,
        "INNGEST_ENABLED": "true",
        "INNGEST_SIGNING_KEY": key,
        "INNGEST_EVENT_KEY": "bench-event-key",
        "INNGEST_BASE_URL": event_api,
        "INNGEST_SERVE_ORIGIN": "self",
        "SENTRY_DSN": TEST_DSN,
        "LOG_FORMAT": "json",
    }
    for name, url in _provider_urls(provider).items():
        env[name] = url
    return env


def _provider_urls(url: str) -> dict[str, str]:
    return {
        "WEARABLE_OURA_API_BASE_URL": f"{url}/oura",
        "WEARABLE_WHOOP_API_BASE_URL": f"{url}/whoop",
        "WEARABLE_GOOGLE_HEALTH_API_BASE_URL": f"{url}/google",
        "WEARABLE_GARMIN_API_BASE_URL": f"{url}/garmin",
        "WEARABLE_STRAVA_API_BASE_URL": f"{url}/strava",
    }


async def _seed(db: BenchDatabase) -> list[WorkerCase]:
    settings = Settings(_env_file=None, DATABASE_URL=db.url, AUTH_SECRET=AUTH_SECRET)
    engine = create_engine(settings)
    try:
        return await world_cases(engine, settings)
    finally:
        await engine.dispose()


# The full app, then the same app without one piece, to see where time goes.
VARIANTS: dict[str, dict[str, str | None]] = {
    "full": {},
    "full-without-sentry": {"SENTRY_DSN": None},
    "full-warning-logs": {"LOG_LEVEL": "WARNING"},
    "full-without-both": {"SENTRY_DSN": None, "LOG_LEVEL": "WARNING"},
    # The replay store (INNGEST_REPLAY_CACHE; "full" keeps it in memory):
    # shared through the database (one upsert per call), and none at all.
    "full-replay-database": {"INNGEST_REPLAY_CACHE": "database"},
    "full-replay-off": {"INNGEST_REPLAY_CACHE": "off"},
    # ...and without the serve edge, the signature guard and our Inngest
    # middleware: the app's functions and the SDK alone (a floor, not a mode).
    "floor": {
        "SENTRY_DSN": None,
        "LOG_LEVEL": "WARNING",
        "BENCH_STRIP": "edge,middleware",
    },
}


# Each repeat's no-op calls go in slices, the servers taking turns slice by
# slice, so a change in the VM's speed during a repeat reaches every server.
NOOP_SLICES = 10


async def _noop_section(
    targets: dict[str, Target], cfg: EndpointConfig
) -> dict[str, Any]:
    warm = max(cfg.connections, cfg.noop_calls // 10)
    for target in targets.values():
        await noop_rate(target, warm, cfg.connections)
    names = list(targets)
    others = [name for name in names if name != "bare"]
    per_slice = max(cfg.connections, cfg.noop_calls // NOOP_SLICES)
    per_slice -= per_slice % cfg.connections
    repeats: list[dict[str, float]] = []
    calls = per_slice * NOOP_SLICES
    for index in range(cfg.repeats):
        spent = dict.fromkeys(names, 0.0)
        cpu = dict.fromkeys(names, 0.0)
        for piece in range(NOOP_SLICES):
            shift = (index * NOOP_SLICES + piece) % len(names)  # rotate who goes first
            for name in names[shift:] + names[:shift]:
                server = targets[name].server
                before = server.cpu_seconds()
                spent[name] += await noop_seconds(
                    targets[name], per_slice, cfg.connections
                )
                cpu[name] += server.cpu_seconds() - before
        rates = {name: calls / spent[name] for name in names}
        cpu_us = {name: cpu[name] / calls * 1e6 for name in names}
        repeats.append(
            {
                **rates,
                **{f"cpu_us:{name}": cpu_us[name] for name in names},
                **{
                    f"overhead:{name}": ratio(rates["bare"], rates[name]) - 1
                    for name in others
                },
                **{
                    f"cpu_overhead:{name}": ratio(cpu_us[name], cpu_us["bare"]) - 1
                    for name in others
                    if cpu_us["bare"] > 0
                },
            }
        )
    overhead = Summary.of([r["overhead:full"] for r in repeats])
    return {
        "repeats": repeats,
        "per_s": {name: Summary.of([r[name] for r in repeats]) for name in names},
        "overhead": {
            name: Summary.of([r[f"overhead:{name}"] for r in repeats])
            for name in others
        },
        # The same calls seen as the server's own CPU time per call (low-noise:
        # no client, no scheduling gaps, no time the VM host took away).
        "cpu_us": {
            name: Summary.of([r[f"cpu_us:{name}"] for r in repeats]) for name in names
        },
        "cpu_overhead": {
            name: Summary.of([r[f"cpu_overhead:{name}"] for r in repeats])
            for name in others
            if all(f"cpu_overhead:{name}" in r for r in repeats)
        },
        "target": TARGET_OVERHEAD,
        "met": overhead.median <= TARGET_OVERHEAD,
    }


async def _worker_section(
    full: Server, key: str, cases: list[WorkerCase], cfg: EndpointConfig
) -> list[dict[str, Any]]:
    workers: list[dict[str, Any]] = []
    for case in cases:
        target = Target(full, APP_ID, case.fn_id, key)
        await worker_rate(target, case.events, cfg.connections, cfg.connections)  # warm
        runs, calls_ = [], []
        for _ in range(cfg.repeats):
            per_s, calls_per_s = await worker_rate(
                target, case.events, cfg.worker_runs, cfg.connections
            )
            runs.append(per_s)
            calls_.append(calls_per_s)
        workers.append(
            {
                "function": case.fn_id,
                "runs_per_s": Summary.of(runs),
                "calls_per_s": Summary.of(calls_),
                "calls_per_run": round(calls_[0] / runs[0], 2),
                "connections": min(cfg.connections, len(case.events)),
                "note": case.note,
            }
        )
    return workers


def run_endpoint(
    backend: str, cfg: EndpointConfig, registered: list[str], *, noop: bool
) -> dict[str, Any]:
    """Workers on `backend`; with `noop`, also the no-op full-vs-bare figure
    (it touches no database, so one backend is enough)."""
    key = signing.new_signing_key("bench")
    result: dict[str, Any] = {"backend": backend, "connections": cfg.connections}
    with fresh_database(backend, "endpoint") as db:
        cases = asyncio.run(_seed(db))
        event_api = Server(
            "event-api", "bench.apps:fake_event_api", {}, ready_path="/stats", pin=False
        )
        provider = Server(
            "wearables",
            "bench.apps:fake_wearable_provider",
            {},
            ready_path="/ready",
            pin=False,
        )
        with event_api, provider:
            env = full_env(db, key, event_api.url, provider.url)
            apps: dict[str, Server] = {}
            for name, changes in VARIANTS.items() if noop else [("full", {})]:
                variant = {
                    k: v for k, v in env.items() if changes.get(k, v) is not None
                }
                variant.update({k: v for k, v in changes.items() if v is not None})
                apps[name] = Server(
                    f"endpoint-{backend}-{name}", "bench.apps:full_app", variant
                )
            if noop:
                apps["bare"] = Server(
                    f"endpoint-{backend}-bare",
                    "bench.apps:bare_app",
                    {"INNGEST_SIGNING_KEY": key},
                    ready_path="/api/inngest",
                    ready_any_status=True,  # unsigned GET: 401 in cloud mode
                )
            with servers(*apps.values()):
                if noop:
                    targets = {
                        name: Target(
                            server,
                            BARE_APP_ID if name == "bare" else APP_ID,
                            NOOP_FN_ID,
                            key,
                        )
                        for name, server in apps.items()
                    }
                    result["noop"] = asyncio.run(_noop_section(targets, cfg))
                result["workers"] = asyncio.run(
                    _worker_section(apps["full"], key, cases, cfg)
                )
    covered = {c.fn_id for c in cases}
    result["not_benchmarked"] = sorted(set(registered) - covered - {NOOP_FN_ID})
    return result
