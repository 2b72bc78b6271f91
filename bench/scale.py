"""Scale: feed fan-out, churn scan and rescoring as N grows, on each backend.

The parent seeds a fresh database (untimed), then runs the case in a child
process (`bench.scale_child`) that reports wall time and its own peak RSS.
Churn runs one child per repeat (each repeat clears the alerts and outbox
first, so every repeat does the same work); fan-out and rescoring repeat in
one child (a new post per fan-out repeat; rescoring the same workout again is
exactly what a re-run does).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.session import create_engine
from bench import seed
from bench.databases import ROOT, BenchDatabase, fresh_database
from bench.harness import Summary, growth_exponent

T = TypeVar("T")
PROFILES = ROOT / "bench" / "results"
CHILD_TIMEOUT_S = 1800

TARGETS = {
    "fanout": {"n": 10_000, "seconds": 2.0},
    "churn": {"n": 100_000, "seconds": 30.0, "rss_mib": 200.0},
    "rescore": {"years": 5, "seconds": 0.050},
}


@dataclasses.dataclass(frozen=True)
class ScaleConfig:
    fanout_sizes: tuple[int, ...]
    churn_sizes: tuple[int, ...]
    rescore_years: tuple[int, ...]
    repeats: int
    churn_repeats: int
    profile: bool = False  # cProfile the largest churn and rescore cases


async def _with_engine(
    db: BenchDatabase, work: Callable[[AsyncEngine], Awaitable[T]]
) -> T:
    engine = create_engine(Settings(_env_file=None, DATABASE_URL=db.url))
    try:
        return await work(engine)
    finally:
        await engine.dispose()


def child(spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.scale_child", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scale child {spec['case']} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _growth(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = points[0], points[-1]
    return growth_exponent(n1, t1, n2, t2)


def fanout(backend: str, sizes: tuple[int, ...], repeats: int) -> dict[str, Any]:
    cases = []
    for n in sizes:
        with fresh_database(backend, f"fanout-{n}") as db:
            audience = asyncio.run(
                _with_engine(db, functools.partial(seed.seed_audience, followers=n))
            )
            out = child(
                {
                    "case": "fanout",
                    "database_url": db.url,
                    "gym_id": str(audience.gym_id),
                    "author_id": str(audience.author_id),
                    "followers": n,
                    "repeats": repeats,
                }
            )
        cases.append(
            {
                "followers": n,
                "seconds": Summary.of(out["seconds"]),
                "per_follower_us": Summary.of([t / n * 1e6 for t in out["seconds"]]),
                "max_rss_mib": out["max_rss_mib"],
                "output": out["output"],
            }
        )
    return _with_target("fanout", cases, "followers")


def churn(
    backend: str, sizes: tuple[int, ...], repeats: int, profile: bool
) -> dict[str, Any]:
    cases = []
    for n in sizes:
        with fresh_database(backend, f"churn-{n}") as db:
            gym = asyncio.run(
                _with_engine(db, functools.partial(seed.seed_churn_gym, members=n))
            )
            spec = {"case": "churn", "database_url": db.url, "gym_id": str(gym.gym_id)}
            runs = [child(spec) for _ in range(repeats)]
            profile_file = None
            if profile and n == max(sizes):
                profile_file = str(PROFILES / f"profile-churn-{backend}-{n}.txt")
                child({**spec, "profile": profile_file})
        last = runs[-1]
        cases.append(
            {
                "members": n,
                "visits": gym.visits,
                "seconds": Summary.of([r["seconds"] for r in runs]),
                "per_member_us": Summary.of([r["seconds"] / n * 1e6 for r in runs]),
                "max_rss_mib": Summary.of([r["max_rss_mib"] for r in runs]),
                "rss_before_scan_mib": Summary.of([r["rss_before_mib"] for r in runs]),
                "evaluated": last["evaluated"],
                "alerted": last["alerted"],
                "batches": last["batches"],
                "runs": last["runs"],
                "profile": _relative(profile_file),
            }
        )
    return _with_target("churn", cases, "members")


def rescore(
    backend: str, years: tuple[int, ...], repeats: int, profile: bool
) -> dict[str, Any]:
    cases = []
    for y in years:
        with fresh_database(backend, f"rescore-{y}y") as db:
            history = asyncio.run(
                _with_engine(db, functools.partial(seed.seed_training_history, years=y))
            )
            spec = {
                "case": "rescore",
                "database_url": db.url,
                "member_id": str(history.member_id),
                "workout_id": str(history.latest_workout_id),
                "repeats": repeats,
            }
            out = child(spec)
            profile_file = None
            if profile and y == max(years):
                profile_file = str(PROFILES / f"profile-rescore-{backend}-{y}y.txt")
                child({**spec, "profile": profile_file})
        cases.append(
            {
                "years": y,
                "workouts": history.workouts,
                "sets": history.sets,
                "benchmarks": history.benchmarks,
                "ms": Summary.of([t * 1000 for t in out["seconds"]]),
                "first_run_ms": round(out["warmup_seconds"] * 1000, 1),
                "output": out["output"],
                "profile": _relative(profile_file),
            }
        )
    return _with_target("rescore", cases, "years")


def _relative(path: str | None) -> str | None:
    return None if path is None else str(Path(path).relative_to(ROOT))


def _with_target(kind: str, cases: list[dict[str, Any]], size: str) -> dict[str, Any]:
    target = TARGETS[kind]
    time_key = "ms" if kind == "rescore" else "seconds"
    scale = 1000 if kind == "rescore" else 1
    points = [(float(c[size]), c[time_key].median) for c in cases]
    result: dict[str, Any] = {
        "cases": cases,
        "growth_exponent": _growth(points),
        "target": target,
    }
    at = [c for c in cases if c[size] == target.get("n", target.get("years"))]
    if not at:
        result["met"] = None  # quick mode: the target size was not run
        return result
    met = at[0][time_key].median <= target["seconds"] * scale
    if "rss_mib" in target:
        met = met and at[0]["max_rss_mib"].max <= target["rss_mib"]
    result["met"] = met
    return result


def run_scale(backends: list[str], cfg: ScaleConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for backend in backends:
        out[backend] = {
            "fanout": fanout(backend, cfg.fanout_sizes, cfg.repeats),
            "churn": churn(backend, cfg.churn_sizes, cfg.churn_repeats, cfg.profile),
            "rescore": rescore(backend, cfg.rescore_years, cfg.repeats, cfg.profile),
        }
    return out
