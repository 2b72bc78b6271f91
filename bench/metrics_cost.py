"""What the metrics cost on the write route, at saturation.

    python -m bench.metrics_cost [--quick] [--backends sqlite,postgresql]

`POST /api/v1/check-ins` (Inngest mode, production settings, the in-process
relay sending to a healthy loopback event API) on two copies of the real
app, each in its own process pinned to one core with its own database: the
default (`METRICS_ENABLED=true`, with `METRICS_TOKEN`) and the same with
`METRICS_ENABLED=false` (no request middleware, no pool listeners; the few
per-job counters stay). Back-to-back requests over 4 keep-alive connections
(the server is the bottleneck); each repeat sends its requests in slices,
the two servers taking turns slice by slice (who goes first rotates).
Reports requests/s and the server's own CPU per request (scheduler
statistics), each as on ÷ off. Target: ≤ +3 %. Writes
bench/results/metrics-cost-<mode>-<backends>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import sys
import time
from typing import Any

from app.core.config import Settings
from app.core.security import issue_token
from bench.databases import BACKENDS, ROOT, fresh_database, postgres_reachable
from bench.harness import Summary, jsonable, ratio
from bench.procs import Server, pin_client, servers
from bench.publish import (
    AUTH_SECRET,
    _check_in_request,
    _event_api,
    _seed_member,
    app_env,
)
from bench.rawhttp import Connection

TARGET = 0.03
CONNECTIONS = 4
SLICES = 10
VARIANTS = {
    "metrics-on": {"METRICS_TOKEN": "bench-metrics-token-0123456789"},
    "metrics-off": {"METRICS_ENABLED": "false"},
}
MODES = {"quick": (1_000, 3), "full": (4_000, 5)}  # requests per repeat, repeats


async def _burst(server: Server, raw: bytes, count: int) -> float:
    """`count` requests over CONNECTIONS keep-alive connections; seconds."""
    per_conn = count // CONNECTIONS

    async def one() -> None:
        async with Connection("127.0.0.1", server.port) as conn:
            for _ in range(per_conn):
                res = await conn.send(raw)
                if res.status != 201:
                    raise RuntimeError(f"{server.name}: HTTP {res.status}")

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(CONNECTIONS)))
    return time.perf_counter() - started


async def _repeats(
    apps: dict[str, Server], requests: dict[str, bytes], count: int, repeats: int
) -> list[dict[str, float]]:
    for name, server in apps.items():
        await _burst(server, requests[name], max(CONNECTIONS, count // 5))  # warm
    names = list(apps)
    per_slice = max(CONNECTIONS, count // SLICES)
    results = []
    for index in range(repeats):
        spent = dict.fromkeys(names, 0.0)
        cpu = dict.fromkeys(names, 0.0)
        for piece in range(SLICES):
            shift = (index * SLICES + piece) % len(names)
            for name in names[shift:] + names[:shift]:
                before = apps[name].cpu_seconds()
                spent[name] += await _burst(apps[name], requests[name], per_slice)
                cpu[name] += apps[name].cpu_seconds() - before
        sent = (per_slice // CONNECTIONS) * CONNECTIONS * SLICES
        rates = {name: sent / spent[name] for name in names}
        cpu_us = {name: cpu[name] / sent * 1e6 for name in names}
        results.append(
            {
                **{f"per_s:{n}": rates[n] for n in names},
                **{f"cpu_us:{n}": cpu_us[n] for n in names},
                "overhead": ratio(rates["metrics-off"], rates["metrics-on"]) - 1,
                "cpu_overhead": ratio(cpu_us["metrics-on"], cpu_us["metrics-off"]) - 1,
            }
        )
    return results


def run_case(backend: str, count: int, repeats: int) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        event_api = stack.enter_context(_event_api(0.0))
        dbs = {
            name: stack.enter_context(fresh_database(backend, f"metrics-{name}"))
            for name in VARIANTS
        }
        principals = {name: asyncio.run(_seed_member(db)) for name, db in dbs.items()}
        apps = {
            name: Server(
                f"metrics-{backend}-{name}",
                "bench.apps:full_app",
                {**app_env(db, event_api, dispatch=True), **VARIANTS[name]},
            )
            for name, db in dbs.items()
        }
        stack.enter_context(servers(*apps.values()))
        settings = Settings(_env_file=None, AUTH_SECRET=AUTH_SECRET)
        requests = {
            name: _check_in_request(
                server,
                issue_token(settings, principals[name], ttl=dt.timedelta(hours=12)),
            )
            for name, server in apps.items()
        }
        rows = asyncio.run(_repeats(apps, requests, count, repeats))
    overhead = Summary.of([r["overhead"] for r in rows])
    return {
        "backend": backend,
        "requests_per_repeat": count,
        "connections": CONNECTIONS,
        "repeats": rows,
        "per_s": {n: Summary.of([r[f"per_s:{n}"] for r in rows]) for n in VARIANTS},
        "cpu_us": {n: Summary.of([r[f"cpu_us:{n}"] for r in rows]) for n in VARIANTS},
        "overhead": overhead,
        "cpu_overhead": Summary.of([r["cpu_overhead"] for r in rows]),
        "target": TARGET,
        "met": overhead.median <= TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_cost")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    count, repeats = MODES[mode]
    pin_client()
    cases = []
    for backend in args.backends.split(","):
        why = postgres_reachable() if backend == "postgresql" else None
        if why is not None:
            print(f"{backend}: skipped ({why})")
            continue
        case = run_case(backend, count, repeats)
        cases.append(case)
        on, off = case["per_s"]["metrics-on"], case["per_s"]["metrics-off"]
        print(
            f"{backend}: on {on.text('{:.0f}')}/s, off {off.text('{:.0f}')}/s, "
            f"overhead {case['overhead'].text('{:+.1%}')}, "
            f"CPU {case['cpu_us']['metrics-on'].text('{:.0f}')} vs "
            f"{case['cpu_us']['metrics-off'].text('{:.0f}')} us/request "
            f"({case['cpu_overhead'].text('{:+.1%}')}), "
            f"target <= {TARGET:+.0%}: {'met' if case['met'] else 'NOT met'}"
        )
    label = "-".join(args.backends.split(","))
    out = ROOT / "bench" / "results" / f"metrics-cost-{mode}-{label}.json"
    out.write_text(
        json.dumps(jsonable({"mode": mode, "cases": cases}), indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
