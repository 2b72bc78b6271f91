"""Two processes, one database: one holds the schedule, the other takes over
when the holder is killed, and the tick runs once (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import CronRun

pytestmark = pytest.mark.db
NOW = "2026-12-07T10:00:30+00:00"
READ_TIMEOUT_S = 90


def start_child(database_url: str, marker: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "tests.support.scheduler_child",
            database_url,
            str(marker),
            NOW,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def next_line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line, "the child exited without a word"
    return line


async def test_one_process_runs_the_tick_and_the_other_takes_over(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    marker = tmp_path / "runs.txt"
    leader = start_child(database_url, marker)
    follower: subprocess.Popen[str] | None = None
    try:
        assert next_line(leader) == "leader"
        assert next_line(leader) == "ran 1"
        follower = start_child(database_url, marker)
        assert next_line(follower) == "follower"
        leader.send_signal(signal.SIGKILL)
        leader.wait(READ_TIMEOUT_S)
        assert next_line(follower) == "took over"
        assert next_line(follower) == "ran 0"
        assert follower.wait(READ_TIMEOUT_S) == 0
    finally:
        for child in (leader, follower):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    assert len(marker.read_text().splitlines()) == 1
    async with engine.connect() as conn:
        rows = await conn.scalar(select(func.count()).select_from(CronRun))
    assert rows == 1
