"""The outbox relay as its own process: `python -m app.jobs.relay`.

Use it when the web processes run with OUTBOX_RELAY_IN_PROCESS=false, or to
inspect and repair the outbox:

    python -m app.jobs.relay               # run until SIGTERM/SIGINT
    python -m app.jobs.relay --once        # one cycle, then exit (1: a send failed)
    python -m app.jobs.relay --status      # counts per status, oldest pending
    python -m app.jobs.relay --requeue-dead
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from app.core.logging import configure_logging, get_logger
from app.core.metrics_http import start_metrics_port
from app.core.sentry import configure_sentry
from app.core.startup_guards import (
    enforce_startup_guards,
    exit_if_database_unreachable,
    load_settings,
)
from app.core.tracing import configure_tracing
from app.db.base import utcnow
from app.db.repositories import outbox as outbox_repo
from app.runtime import Runtime, build_runtime

log = get_logger("app.jobs.relay")


async def _status(runtime: Runtime) -> dict[str, object]:
    async with runtime.sessionmaker() as session:
        counts = await outbox_repo.count_by_status(session)
        oldest = await outbox_repo.oldest_pending_at(session)
    return {
        "counts": counts,
        "oldest_pending_at": oldest.isoformat() if oldest else None,
    }


async def _requeue(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session, session.begin():
        return await outbox_repo.requeue_dead(session, utcnow())


async def _run(runtime: Runtime, args: argparse.Namespace) -> int:
    try:
        if args.status:
            print(json.dumps(await _status(runtime)))  # noqa: T201 - CLI output
        elif args.requeue_dead:
            print(json.dumps({"requeued": await _requeue(runtime)}))  # noqa: T201
        elif args.once:
            result = await runtime.relay.run_once()
            print(json.dumps(result.__dict__))  # noqa: T201
            return 1 if result.failed else 0  # a cron or a script sees the failure
        else:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, runtime.relay.stop)
            start_metrics_port(runtime.settings)  # its own /metrics (METRICS_PORT)
            await runtime.relay.run_forever()
    finally:
        await runtime.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.jobs.relay")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--once", action="store_true", help="run one cycle and exit")
    group.add_argument("--status", action="store_true", help="print outbox counts")
    group.add_argument(
        "--requeue-dead", action="store_true", help="give dead rows another chance"
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings)
    enforce_startup_guards(settings)
    configure_sentry(settings)
    configure_tracing(settings)
    if not settings.INNGEST_ENABLED and not (args.status or args.requeue_dead):
        log.warning("relay.inngest_disabled", hint="set INNGEST_ENABLED=true")
    try:
        return asyncio.run(_run(build_runtime(settings), args))
    except Exception as exc:
        exit_if_database_unreachable(exc)  # one line, no traceback
        raise


if __name__ == "__main__":
    sys.exit(main())
