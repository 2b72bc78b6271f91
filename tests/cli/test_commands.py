"""`python -m app.cli`: cron (list, run once), token, and production refusals,
each run as its own process, as an operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.security import decode_admin_token, decode_token
from app.db.models import OutboxEvent
from app.db.session import create_sessionmaker
from tests.support.gym_builders import add_gym
from tests.support.settings import TEST_AUTH_SECRET, make_settings

CRONS = {
    "alerts-churn-scan-daily": "0 3 * * *",
    "sync-backfill-silent-connections": "17 * * * *",
    "social-flush-notification-batches": "* * * * *",
    "privacy-purge-expired-records": "41 4 * * *",
}


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command from an empty folder (no developer .env is read)."""
    environment = {
        # coverage measures the command's process too (its patch=subprocess)
        **{k: v for k, v in os.environ.items() if k.startswith("COVERAGE_")},
        "PATH": os.environ.get("PATH", ""),
        "AUTH_SECRET": TEST_AUTH_SECRET,
        "LOG_FORMAT": "json",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "app.cli", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_token_mints_a_persons_token_and_an_admin_token(tmp_path: Path) -> None:
    gym, person = uuid.uuid4(), uuid.uuid4()
    made = cli(
        tmp_path, "token", "--role", "coach", "--gym", str(gym), "--sub", str(person)
    )
    assert made.returncode == 0, made.stderr
    settings = make_settings("sqlite+aiosqlite://")
    principal = decode_token(settings, made.stdout.strip())
    assert (principal.user_id, principal.gym_id, principal.role.value) == (
        person,
        gym,
        "coach",
    )
    admin = cli(tmp_path, "token", "--role", "admin")
    assert decode_admin_token(settings, admin.stdout.strip()).subject == "dev-admin"
    missing = cli(tmp_path, "token", "--role", "owner")
    assert missing.returncode != 0
    assert "--gym and --sub" in missing.stderr


@pytest.mark.parametrize("command", [["token", "--role", "admin"], ["demo"]])
def test_development_commands_refuse_production_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    refused = cli(tmp_path, *command, APP_ENV="production")
    assert refused.returncode == 1
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith(f"refusing to run `{command[0]}` with APP_ENV=production")


@pytest.mark.db
def test_cron_lists_schedules_and_runs_one_once(
    tmp_path: Path, database_url: str
) -> None:
    env = {"DATABASE_URL": database_url}
    listed = cli(tmp_path, "cron", "--list", "--json", **env)
    assert listed.returncode == 0, listed.stderr
    rows = {r["function_id"]: r for r in json.loads(listed.stdout)}
    assert {fn: r["schedule"] for fn, r in rows.items()} == CRONS
    assert all(r["last_run"] is None for r in rows.values())

    ran = cli(tmp_path, "cron", "run", "privacy-purge-expired-records", **env)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {
        "function_id": "privacy-purge-expired-records",
        "outcome": "completed",
        "mode": "inline",
    }
    again = json.loads(cli(tmp_path, "cron", "--list", "--json", **env).stdout)
    [purge] = [r for r in again if r["function_id"] == "privacy-purge-expired-records"]
    assert purge["last_run"]["trigger"] == "manual"
    assert purge["last_run"]["outcome"] == "completed"

    text = cli(tmp_path, "cron", "--list", **env)
    assert "privacy-purge-expired-records" in text.stdout
    assert "completed" in text.stdout

    unknown = cli(tmp_path, "cron", "run", "no-such-cron", **env)
    assert unknown.returncode != 0
    assert "alerts-churn-scan-daily" in unknown.stderr


@pytest.mark.db
async def test_cron_run_in_inngest_mode_hands_its_events_to_the_outbox(
    tmp_path: Path, database_url: str, engine: AsyncEngine
) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        add_gym(session)
    ran = cli(
        tmp_path,
        "cron",
        "run",
        "alerts-churn-scan-daily",
        DATABASE_URL=database_url,
        INNGEST_ENABLED="true",
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["mode"] == "inngest"
    async with engine.connect() as conn:
        names = list(await conn.scalars(select(OutboxEvent.name)))
    assert names == ["platform/alerts.churn-scan-requested"]
