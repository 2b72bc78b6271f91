"""A process that runs the inline scheduler's leader election and one tick.

    python -m tests.support.scheduler_child <database-url> <marker-file> <now-iso>

Prints `leader` or `follower`. A leader runs the ticks due at `now`, prints
`ran N` and then waits (to be killed). A follower retries the lock until it
holds it (its holder died), prints `took over`, runs the ticks due at `now`
(none: the dead leader claimed them) and prints `ran N`. The cron body
appends the process id to the marker file, so the test counts runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from typing import Any

from app.core.logging import configure_logging
from app.jobs.job_context import JobContext
from app.jobs.registry import WorkerRegistry
from app.jobs.scheduler import InlineScheduler
from app.runtime import build_runtime
from tests.support.settings import make_settings

TAKEOVER_DEADLINE_S = 60.0


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def main(url: str, marker: str, now_iso: str) -> None:
    now = dt.datetime.fromisoformat(now_iso)
    registry = WorkerRegistry()

    async def body(_: None, job: JobContext) -> dict[str, Any]:
        with open(marker, "a") as out:
            out.write(f"{os.getpid()}\n")
        return {}

    registry.worker(fn_id="test-every-minute", cron="* * * * *")(body)
    settings = make_settings(url)
    configure_logging(settings)  # to stderr: stdout carries the protocol
    runtime = build_runtime(settings, registry)
    assert runtime.inline_runner is not None
    scheduler = InlineScheduler(runtime, runtime.inline_runner, now=lambda: now)
    await scheduler.start(now - dt.timedelta(minutes=1))
    lock = scheduler._lock
    if await lock.try_acquire():
        say("leader")
        say(f"ran {len(await scheduler.run_due(now))}")
        await asyncio.sleep(3600)  # until killed
        return
    say("follower")
    waited = 0.0
    while not await lock.try_acquire():
        await asyncio.sleep(0.1)
        waited += 0.1
        if waited > TAKEOVER_DEADLINE_S:
            say("never took over")
            return
    say("took over")
    ran = [r for r in await scheduler.run_due(now) if r.outcome is not None]
    say(f"ran {len(ran)}")
    await lock.release()
    await runtime.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
