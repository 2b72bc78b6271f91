"""Publish path: POST /api/v1/check-ins with dispatch vs the same route without.

Both apps run side by side (own process, own database, Inngest mode with the
in-process relay) against a loopback event API that is healthy, answers in
500 ms, or is down (nothing listens). Each repeat drives the two apps one
after the other (alternating which goes first) with sequential requests on a
keep-alive connection and records p50 / p99; the figure is the ratio
dispatch / no-dispatch per repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from app.core.config import Settings
from app.core.security import Principal, Role, issue_token
from app.db.models import OutboxEvent
from app.db.session import create_engine
from bench import seed
from bench.databases import BenchDatabase, fresh_database
from bench.harness import Summary, latency_stats, ratio
from bench.procs import Server, free_port, servers
from bench.rawhttp import Connection, build_request
from tests.support.sentry_capture import TEST_DSN

TARGET = 1.25
MODES = {"healthy": 0.0, "slow-500ms": 0.5, "down": None}
AUTH_SECRET = "bench-auth-secret-0123456789abcdef-0123456789"  # noqa: S105
EVENT_KEY = "bench-event-key"


@dataclasses.dataclass(frozen=True)
class PublishConfig:
    requests: int
    repeats: int
    rate: float | None = None  # requests/s (paced); None: back to back
    warmup: int = 50


# What runs beside the baseline (the same route with dispatch swapped out),
# with the settings that differ; "dispatch" is the default deployment.
VARIANTS: dict[str, dict[str, str]] = {
    "dispatch": {},
    "dispatch-external-relay": {"OUTBOX_RELAY_IN_PROCESS": "false"},
}
EXTERNAL = "dispatch-external-relay"


def app_env(db: BenchDatabase, event_api: str, *, dispatch: bool) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "AUTH_SECRET": AUTH_SECRET,
        "DATABASE_URL": db.url,
        "INNGEST_ENABLED": "true",
        "INNGEST_SIGNING_KEY": f"signkey-bench-{secrets.token_hex(32)}",
        "INNGEST_EVENT_KEY": EVENT_KEY,
        "INNGEST_BASE_URL": event_api,
        "INNGEST_SERVE_ORIGIN": "self",
        "SENTRY_DSN": TEST_DSN,
        "LOG_FORMAT": "json",
        "BENCH_DISPATCH": "on" if dispatch else "off",
    }


async def _seed_member(db: BenchDatabase) -> Principal:
    settings = Settings(_env_file=None, DATABASE_URL=db.url)
    engine = create_engine(settings)
    try:
        at = seed.now()
        gym_id = await seed.add_gym(engine, at)
        member_id = uuid.uuid4()
        from app.db.models import Member

        row = {"id": member_id, "gym_id": gym_id, "timezone": "UTC", "created_at": at}
        await seed.bulk_insert(engine, Member, [row])
    finally:
        await engine.dispose()
    return Principal(user_id=member_id, gym_id=gym_id, role=Role.MEMBER)


async def _count_outbox(db: BenchDatabase) -> dict[str, int]:
    engine = create_engine(Settings(_env_file=None, DATABASE_URL=db.url))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)
            )
            return {str(status): int(n) for status, n in rows.all()}
    finally:
        await engine.dispose()


def _check_in_request(server: Server, token: str) -> bytes:
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    body = json.dumps({"checked_in_at": at}).encode()
    return build_request(
        "POST",
        "/api/v1/check-ins",
        host=f"127.0.0.1:{server.port}",
        headers={
            "content-type": "application/json",
            "authorization": f"Bearer {token}",
        },
        body=body,
    )


async def _drive(
    server: Server, raw: bytes, count: int, rate: float | None = None
) -> list[float]:
    """`count` sequential requests; paced at `rate` per second when given (a
    request whose slot has passed goes at once)."""
    latencies: list[float] = []
    async with Connection("127.0.0.1", server.port) as conn:
        first = time.perf_counter()
        for index in range(count):
            if rate is not None:
                wait = first + index / rate - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            started = time.perf_counter()
            res = await conn.send(raw)
            latencies.append(time.perf_counter() - started)
            if res.status != 201:
                raise RuntimeError(
                    f"{server.name}: HTTP {res.status} {res.body[:200]!r}"
                )
    return latencies


@contextlib.contextmanager
def _event_api(delay: float | None) -> Iterator[str]:
    if delay is None:  # down: a loopback port where nothing listens
        yield f"http://127.0.0.1:{free_port()}"
        return
    fake = Server(
        "event-api",
        "bench.apps:fake_event_api",
        {"BENCH_EVENT_API_DELAY_S": str(delay)},
        ready_path="/stats",
        pin=False,
    )
    with fake:
        yield fake.url


def _received(url: str) -> int | None:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/stats", timeout=5) as res:  # noqa: S310
            return int(json.loads(res.read())["events"])
    except OSError:
        return None


def run_case(
    backend: str,
    mode: str,
    cfg: PublishConfig,
    variants: dict[str, dict[str, str]] = VARIANTS,
) -> dict[str, Any]:
    delay = MODES[mode]
    names = ("baseline", *variants)
    with contextlib.ExitStack() as stack:
        event_api = stack.enter_context(_event_api(delay))
        dbs = {
            name: stack.enter_context(fresh_database(backend, f"publish-{name}"))
            for name in names
        }
        principals = {name: asyncio.run(_seed_member(db)) for name, db in dbs.items()}
        apps: dict[str, Server] = {}
        for name, db in dbs.items():
            env = app_env(db, event_api, dispatch=name != "baseline")
            env.update(variants.get(name, {}))
            apps[name] = Server(
                f"publish-{backend}-{mode}-{name}", "bench.apps:full_app", env
            )
        extra: list[Server] = []
        if EXTERNAL in variants:  # its relay, in its own process
            relay_env = {
                **app_env(dbs[EXTERNAL], event_api, dispatch=True),
                "OUTBOX_POLL_INTERVAL_S": "0.2",
            }
            extra.append(
                Server(
                    f"publish-{backend}-{mode}-relay",
                    "",
                    relay_env,
                    pin=False,
                    command=["-m", "app.jobs.relay"],
                )
            )
        stack.enter_context(servers(*apps.values(), *extra))
        settings = Settings(_env_file=None, AUTH_SECRET=AUTH_SECRET)
        token_ttl = dt.timedelta(hours=12)
        requests = {
            name: _check_in_request(
                server, issue_token(settings, principals[name], ttl=token_ttl)
            )
            for name, server in apps.items()
        }
        repeats = asyncio.run(_repeats(apps, requests, cfg, list(variants)))
        time.sleep(2.0 if delay is None else 2.0 + delay)  # let the relays send
        received = None if delay is None else _received(event_api)
        outbox = {name: asyncio.run(_count_outbox(db)) for name, db in dbs.items()}
    sent = cfg.warmup + cfg.requests * cfg.repeats
    result: dict[str, Any] = {
        "backend": backend,
        "event_api": mode,
        "requests_per_repeat": cfg.requests,
        "rate_per_s": cfg.rate,
        "repeats": repeats,
        "check": {
            "check_ins_posted_per_app": sent,
            "outbox_rows_by_status": outbox,
            "events_received_by_event_api": received,
        },
        "target": TARGET,
    }
    for name in names:
        result[f"{name}_p50_ms"] = Summary.of([r[name]["p50_ms"] for r in repeats])
        result[f"{name}_p99_ms"] = Summary.of([r[name]["p99_ms"] for r in repeats])
    for name in variants:
        for pct in ("p50", "p99"):
            result[f"ratio_{pct}:{name}"] = Summary.of(
                [r[f"ratio_{pct}:{name}"] for r in repeats]
            )
    result["met"] = (
        result["ratio_p50:dispatch"].median <= TARGET
        and result["ratio_p99:dispatch"].median <= TARGET
    )
    return result


async def _repeats(
    apps: dict[str, Server],
    requests: dict[str, bytes],
    cfg: PublishConfig,
    variants: list[str],
) -> list[dict[str, Any]]:
    for name, server in apps.items():
        await _drive(server, requests[name], cfg.warmup, cfg.rate)
    names = list(apps)
    results: list[dict[str, Any]] = []
    for index in range(cfg.repeats):
        shift = index % len(names)  # rotate who goes first
        stats: dict[str, Any] = {}
        for name in names[shift:] + names[:shift]:
            stats[name] = latency_stats(
                await _drive(apps[name], requests[name], cfg.requests, cfg.rate)
            )
        for name in variants:
            for pct in ("p50", "p99"):
                stats[f"ratio_{pct}:{name}"] = ratio(
                    stats[name][f"{pct}_ms"], stats["baseline"][f"{pct}_ms"]
                )
        results.append(stats)
    return results


def run_publish(backends: list[str], cfg: PublishConfig) -> list[dict[str, Any]]:
    return [run_case(backend, mode, cfg) for backend in backends for mode in MODES]
