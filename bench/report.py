"""The benchmark report: machine description and a Markdown summary table."""

from __future__ import annotations

import asyncio
import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg

from bench.databases import postgres_admin_url
from bench.harness import Summary, verdict

PACKAGES = ("fastapi", "inngest", "uvicorn", "sqlalchemy", "sentry-sdk", "structlog")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


async def _postgres_version() -> str | None:
    try:
        conn = await asyncpg.connect(
            postgres_admin_url().replace("postgresql+asyncpg://", "postgresql://"),
            timeout=5,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    try:
        version = await conn.fetchval("SHOW server_version")
        return str(version)
    finally:
        await conn.close()


def machine() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": asyncio.run(_postgres_version()),
        "packages": versions,
    }


def _s(value: Any, fmt: str = "{:.2f}", unit: str = "") -> str:
    if isinstance(value, Summary):
        return value.text(fmt, unit)
    if isinstance(value, dict) and {"min", "median", "max"} <= set(value):
        return Summary(value["min"], value["median"], value["max"], 0).text(fmt, unit)
    return "-"


def _pct(value: Summary) -> str:
    return (
        f"{value.median * 100:+.0f} % [{value.min * 100:+.0f}-{value.max * 100:+.0f}]"
    )


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        f"# Benchmarks ({meta['mode']} mode, {meta['date']})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; "
        f"{m['os']}; Python {m['python']}; SQLite {m['sqlite']}; "
        f"PostgreSQL {m['postgresql'] or 'n/a'}. Command: `{meta['command']}` "
        f"({meta['seconds']:.0f} s). Figures: median [min-max] over repeats.",
        "",
        "| benchmark | case | measured | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows: list[tuple[str, str, str, str, str]] = []
    for case in results.get("publish", []):
        label = f"{case['backend']}, event API {case['event_api']}"
        for pct in ("p50", "p99"):
            ratio = case[f"ratio_{pct}:dispatch"]
            ok = ratio.median <= case["target"]
            rows.append(
                (
                    f"publish {pct} with/without dispatch",
                    label,
                    _s(ratio, unit="x"),
                    f"<= {case['target']}x",
                    verdict(ok),
                )
            )
    endpoint = results.get("endpoint", {})
    for backend_result in endpoint.values():
        noop = backend_result.get("noop")
        if noop:
            rows.append(
                (
                    "/api/inngest no-op overhead vs bare SDK",
                    f"{_s(noop['per_s']['full'], '{:.0f}')}/s vs "
                    f"{_s(noop['per_s']['bare'], '{:.0f}')}/s",
                    _pct(noop["overhead"]["full"]),
                    f"<= +{noop['target'] * 100:.0f} %",
                    verdict(noop["met"]),
                )
            )
    for backend, scale in results.get("scale", {}).items():
        fan = scale["fanout"]
        for c in fan["cases"]:
            rows.append(
                (
                    "feed fan-out",
                    f"{backend}, {c['followers']:,} followers",
                    _s(c["seconds"], unit=" s"),
                    "<= 2 s at 10,000" if c["followers"] == 10_000 else "",
                    verdict(fan["met"]) if c["followers"] == 10_000 else "",
                )
            )
        ch = scale["churn"]
        for c in ch["cases"]:
            at = c["members"] == 100_000
            rows.append(
                (
                    "churn scan",
                    f"{backend}, {c['members']:,} members",
                    f"{_s(c['seconds'], unit=' s')}, "
                    f"RSS {c['max_rss_mib'].max:.0f} MiB",
                    "<= 30 s, <= 200 MB" if at else "",
                    verdict(ch["met"]) if at else "",
                )
            )
        rs = scale["rescore"]
        for c in rs["cases"]:
            at = c["years"] == 5
            rows.append(
                (
                    "rescore a member",
                    f"{backend}, {c['years']} y ({c['sets']:,} sets)",
                    _s(c["ms"], "{:.0f}", " ms"),
                    "<= 50 ms at 5 y" if at else "",
                    verdict(rs["met"]) if at else "",
                )
            )
    lines += [f"| {' | '.join(row)} |" for row in rows]
    lines += _details(results)
    return "\n".join(lines) + "\n"


def _details(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    publish = results.get("publish", [])
    if publish:
        lines += [
            "",
            "Publish path, latency in ms (p50 / p99), "
            f"{publish[0]['requests_per_repeat']} check-ins per repeat at "
            f"{publish[0]['rate_per_s'] or 'max'} /s:",
            "",
            "| backend | event API | no dispatch | dispatch (relay in process) "
            "| ratio | dispatch, relay own process | ratio |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in publish:
            lines.append(
                f"| {c['backend']} | {c['event_api']} "
                f"| {c['baseline_p50_ms'].median:.1f} / {c['baseline_p99_ms'].median:.1f} "
                f"| {c['dispatch_p50_ms'].median:.1f} / {c['dispatch_p99_ms'].median:.1f} "
                f"| {c['ratio_p50:dispatch'].median:.2f}x / "
                f"{c['ratio_p99:dispatch'].median:.2f}x "
                f"| {c['dispatch-external-relay_p50_ms'].median:.1f} / "
                f"{c['dispatch-external-relay_p99_ms'].median:.1f} "
                f"| {c['ratio_p50:dispatch-external-relay'].median:.2f}x / "
                f"{c['ratio_p99:dispatch-external-relay'].median:.2f}x |"
            )
    endpoint = results.get("endpoint", {})
    for backend_result in endpoint.values():
        noop = backend_result.get("noop")
        if not noop:
            continue
        lines += [
            "",
            "`/api/inngest` no-op, calls per second (4 connections), and where the "
            "overhead goes:",
            "",
            "| server | calls/s | overhead vs bare SDK "
            "| server CPU per call | CPU overhead vs bare SDK |",
            "| --- | --- | --- | --- | --- |",
        ]
        cpu_us = noop.get("cpu_us", {})
        cpu_over = noop.get("cpu_overhead", {})
        for name, per_s in noop["per_s"].items():
            over = noop["overhead"].get(name)
            cpu = cpu_us.get(name)
            cover = cpu_over.get(name)
            lines.append(
                f"| {name} | {_s(per_s, '{:.0f}')} | {_pct(over) if over else '-'} "
                f"| {_s(cpu, '{:.0f}') + ' µs' if cpu else '-'} "
                f"| {_pct(cover) if cover else '-'} |"
            )
    if endpoint:
        backends = list(endpoint)
        header = " | ".join(f"runs/s {b}" for b in backends)
        lines += [
            "",
            "Workers through the full app (whole runs: one call per step + 1):",
            "",
            f"| function | calls/run | connections | {header} | note |",
            "| --- | --- | --- | " + " | ".join("---" for _ in backends) + " | --- |",
        ]
        by_fn: dict[str, dict[str, Any]] = {}
        for backend, r in endpoint.items():
            for w in r["workers"]:
                by_fn.setdefault(w["function"], {})[backend] = w
        for fn, per in by_fn.items():
            first = next(iter(per.values()))
            cells = " | ".join(
                _s(per[b]["runs_per_s"], "{:.1f}") if b in per else "-"
                for b in backends
            )
            lines.append(
                f"| {fn} | {first['calls_per_run']:.0f} | {first['connections']} "
                f"| {cells} | {first['note']} |"
            )
    scale = results.get("scale", {})
    if scale:
        lines += [
            "",
            "Scale: growth exponent k in time ~ N^k between the smallest and the "
            "largest N (1.0 = linear):",
            "",
            "| backend | fan-out | churn scan | rescore (years) |",
            "| --- | --- | --- | --- |",
        ]
        for backend, per in scale.items():
            exps = [
                "-"
                if per[k]["growth_exponent"] is None
                else f"{per[k]['growth_exponent']:.2f}"
                for k in ("fanout", "churn", "rescore")
            ]
            lines.append(f"| {backend} | {' | '.join(exps)} |")
    skipped = results["meta"].get("skipped")
    if skipped:
        lines += ["", f"Skipped: {skipped}"]
    return lines
