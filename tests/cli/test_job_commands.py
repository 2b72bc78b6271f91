"""`python -m app.jobs.relay` and `python -m app.jobs.purge` as an operator
(or a cron, a CronJob, a script) runs them: the exit code says whether the
work failed, `--help` only prints help, the result is printed once."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import OutboxEvent
from app.db.session import create_sessionmaker
from tests.faults.harness import free_port
from tests.faults.processes import app_env


def command(
    tmp_path: Path, module: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *args],
        cwd=tmp_path,  # no .env of the checkout
        env=app_env(LOG_FORMAT="json", **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_purge_help_prints_help_and_purges_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/never.db"
    done = command(tmp_path, "app.jobs.purge", "--help", DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert "usage: python -m app.jobs.purge" in done.stdout
    assert "{" not in done.stdout  # no JSON result
    assert not (tmp_path / "never.db").exists()  # no database was opened


def test_purge_rejects_an_unknown_argument(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/never.db"
    done = command(tmp_path, "app.jobs.purge", "--dry-run", DATABASE_URL=url)
    assert done.returncode == 2
    assert "unrecognized arguments: --dry-run" in done.stderr
    assert not (tmp_path / "never.db").exists()


@pytest.mark.db
async def test_purge_prints_its_result_once(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    done = command(tmp_path, "app.jobs.purge", DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert output.count('"deleted"') == 1, output
    assert json.loads(done.stdout)["deleted"]["sent-events"] == 0
    purged = [
        json.loads(line)
        for line in done.stderr.splitlines()
        if '"retention.purged"' in line
    ]
    assert [line["total"] for line in purged] == [0]


@pytest.mark.db
async def test_relay_once_exits_non_zero_when_a_send_failed(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    async with create_sessionmaker(engine)() as session, session.begin():
        await session.execute(
            insert(OutboxEvent).values(
                id="platform/alerts.threshold-crossed:relay-once",
                name="platform/alerts.threshold-crossed",
                category="alerts",
                resource_id="relay-once",
                payload={"member_id": "relay-once"},
                status="pending",
                created_at=now,
                next_attempt_at=now - dt.timedelta(seconds=1),
                attempts=0,
                rejections=0,
            )
        )
    nobody = f"http://127.0.0.1:{free_port()}"  # the event API is down
    done = command(
        tmp_path,
        "app.jobs.relay",
        "--once",
        DATABASE_URL=database_url,
        INNGEST_ENABLED="true",
        INNGEST_DEV="1",
        INNGEST_EVENT_API_BASE_URL=nobody,
        INNGEST_BASE_URL=nobody,
        INNGEST_SEND_TIMEOUT_MS="500",
        INNGEST_SEND_DEADLINE_S="1",
    )
    assert json.loads(done.stdout.splitlines()[-1])["failed"] == 1, done.stderr
    assert done.returncode == 1
    async with create_sessionmaker(engine)() as session:
        row = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.resource_id == "relay-once")
        )
    assert row is not None
    assert row.status == "pending"  # not sent: the next cycle tries again


@pytest.mark.db
async def test_relay_once_exits_zero_with_nothing_to_send(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    done = command(
        tmp_path,
        "app.jobs.relay",
        "--once",
        DATABASE_URL=database_url,
        INNGEST_ENABLED="true",
        INNGEST_DEV="1",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "claimed": 0,
        "sent": 0,
        "failed": 0,
    }
