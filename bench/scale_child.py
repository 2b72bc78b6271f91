"""One scale case in its own process, so its peak RSS is its own.

`python -m bench.scale_child '<json spec>'` prints one JSON line. The worker
handler runs as under Inngest (dispatch writes outbox rows, no relay, follow-up
runs are not executed), with each `job.step` awaited directly
(`InlineJobContext`), so the figure is the worker's own work: its queries,
domain code and writes, without the network hops to Inngest between steps.
Seeding is done by the parent and is never timed here.
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import io
import json
import pstats
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from app.core.config import Environment, Settings
from app.core.logging import configure_logging
from app.db.models import Alert, OutboxEvent
from app.db.models.alert import Notification
from app.jobs.dispatch import Dispatcher
from app.jobs.events.alerts import ChurnScanRequested
from app.jobs.events.base import PlatformEvent
from app.jobs.events.scoring import ScoreCalculationRequested
from app.jobs.events.social import PostCreated
from app.jobs.job_context import InlineJobContext
from app.jobs.workers.churn_scan import scan_gym
from app.jobs.workers.scoring import calculate_score
from app.jobs.workers.social_feed import fan_out_post
from app.runtime import Runtime, build_runtime
from bench import seed
from bench.harness import max_rss_mib, stopwatch

AUTH_SECRET = "bench-auth-secret-0123456789abcdef-0123456789"  # noqa: S105


def current_rss_mib() -> float:
    """Resident set size now (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    import resource

    return pages * resource.getpagesize() / (1024 * 1024)


def child_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "APP_ENV": Environment.TEST,
        "DATABASE_URL": database_url,
        "AUTH_SECRET": AUTH_SECRET,
        "INNGEST_ENABLED": True,  # dispatch = outbox rows, as in production
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class RecordingDispatcher(Dispatcher):
    """The runtime's dispatcher, remembering what was dispatched."""

    def __init__(self, inner: Dispatcher) -> None:
        super().__init__(enabled=inner.enabled, relay=inner._relay)
        self.events: list[PlatformEvent] = []

    async def dispatch(self, session: Any, *events: PlatformEvent) -> list[str]:
        self.events.extend(events)
        return await super().dispatch(session, *events)


def job(runtime: Runtime) -> InlineJobContext:
    return InlineJobContext(runtime, f"bench-{uuid.uuid4().hex}", 0)


async def run_churn(spec: dict[str, Any]) -> dict[str, Any]:
    runtime = build_runtime(child_settings(spec["database_url"]))
    recorder = RecordingDispatcher(runtime.dispatcher)
    runtime.dispatcher = recorder
    try:
        async with runtime.transaction() as session:  # the same work every repeat
            await session.execute(delete(Notification))
            await session.execute(delete(Alert))
            await session.execute(delete(OutboxEvent))
        gym_id = uuid.UUID(spec["gym_id"])
        event = ChurnScanRequested(gym_id=gym_id, scan_on=dt.date.today())
        totals = {"runs": 0, "batches": 0, "evaluated": 0, "alerted": 0}
        rss_before = current_rss_mib()
        with stopwatch() as watch:
            while True:
                result = await scan_gym(event, job(runtime))
                totals["runs"] += 1
                for key in ("batches", "evaluated", "alerted"):
                    totals[key] += int(result[key])
                if not result["continued"]:
                    break
                [event] = [
                    e
                    for e in recorder.events[-1:]
                    if isinstance(e, ChurnScanRequested) and e.after_member_id
                ]
        return {
            "seconds": watch.elapsed,
            "rss_before_mib": rss_before,
            "max_rss_mib": max_rss_mib(),
            **totals,
        }
    finally:
        await runtime.dispose()


async def run_fanout(spec: dict[str, Any]) -> dict[str, Any]:
    followers = int(spec["followers"])
    settings = child_settings(
        spec["database_url"],
        # push (not pull) even at 10,000: the cost of writing every timeline
        SOCIAL_PULL_FOLLOWER_THRESHOLD=max(followers + 1, 5000),
    )
    runtime = build_runtime(settings)
    audience = seed.Audience(
        uuid.UUID(spec["gym_id"]), uuid.UUID(spec["author_id"]), followers
    )
    times: list[float] = []
    outputs: list[dict[str, Any]] = []
    try:
        for _ in range(int(spec["repeats"]) + 1):  # the first run warms up
            post_id = await seed.add_post(runtime.engine, audience)
            event = PostCreated(post_id=post_id, author_id=audience.author_id)
            with stopwatch() as watch:
                outputs.append(await fan_out_post(event, job(runtime)))
            times.append(watch.elapsed)
        return {
            "seconds": times[1:],
            "warmup_seconds": times[0],
            "output": outputs[-1],
            "max_rss_mib": max_rss_mib(),
        }
    finally:
        await runtime.dispose()


async def run_rescore(spec: dict[str, Any]) -> dict[str, Any]:
    runtime = build_runtime(child_settings(spec["database_url"]))
    event = ScoreCalculationRequested(
        member_id=uuid.UUID(spec["member_id"]),
        source="workout",
        source_id=uuid.UUID(spec["workout_id"]),
    )
    times: list[float] = []
    output: Any = None
    try:
        for _ in range(int(spec["repeats"]) + 1):  # the first run warms up
            with stopwatch() as watch:
                output = await calculate_score(event, job(runtime))
            times.append(watch.elapsed)
        return {
            "seconds": times[1:],
            "warmup_seconds": times[0],
            "output": output,
            "max_rss_mib": max_rss_mib(),
        }
    finally:
        await runtime.dispose()


CASES = {"churn": run_churn, "fanout": run_fanout, "rescore": run_rescore}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    configure_logging(child_settings(spec["database_url"]))
    runner = CASES[spec["case"]]
    profile_to = spec.get("profile")
    if profile_to:
        profiler = cProfile.Profile()
        result = profiler.runcall(asyncio.run, runner(spec))
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        Path(profile_to).write_text(text.getvalue())
    else:
        result = asyncio.run(runner(spec))
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
