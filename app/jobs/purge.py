"""The retention purge as a command: `python -m app.jobs.purge`.

Under Inngest the daily `privacy-purge-expired-records` cron does this. In
inline mode there are no crons: run this from the platform's scheduler (a
Kubernetes CronJob, a systemd timer) instead. Same windows and batches
(app/services/retention.py), each batch its own transaction, until every
store is done; prints the rows deleted per store as JSON (once, on stdout;
the log line carries only the total).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys

from app.core.logging import configure_logging, get_logger
from app.core.sentry import configure_sentry
from app.core.startup_guards import (
    enforce_startup_guards,
    exit_if_database_unreachable,
    load_settings,
)
from app.runtime import Runtime, build_runtime
from app.services import clock, retention

log = get_logger("app.jobs.purge")


async def purge_expired(runtime: Runtime, now: dt.datetime) -> dict[str, int]:
    limit = runtime.settings.RETENTION_BATCH_SIZE
    deleted: dict[str, int] = {}
    for store in retention.stores(runtime.settings):
        deleted[store.name] = 0
        while True:
            async with runtime.transaction() as session:
                count = await retention.purge_batch(session, store, now, limit)
            deleted[store.name] += count
            if count < limit:
                break
    return deleted


async def _run(runtime: Runtime) -> dict[str, int]:
    try:
        return await purge_expired(runtime, clock.now())
    finally:
        await runtime.dispose()


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m app.jobs.purge",
        description=(
            "Delete the rows past their retention window (RETENTION_* settings),"
            " in batches of RETENTION_BATCH_SIZE, and print the rows deleted"
            " per store as JSON."
        ),
    )


def main(argv: list[str] | None = None) -> int:
    _parser().parse_args(argv)  # --help prints and exits before any work
    settings = load_settings()
    configure_logging(settings)
    enforce_startup_guards(settings)
    configure_sentry(settings)
    try:
        deleted = asyncio.run(_run(build_runtime(settings)))
    except Exception as exc:
        exit_if_database_unreachable(exc)  # one line, no traceback
        raise
    log.info("retention.purged", total=sum(deleted.values()))
    print(json.dumps({"deleted": deleted}))  # noqa: T201 - CLI output
    return 0


if __name__ == "__main__":
    sys.exit(main())
