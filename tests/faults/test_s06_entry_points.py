"""S6 (issue 16 #12): every entry point (the app, `alembic upgrade head`, the
relay, the purge command) reports a bad configuration as one line listing
every problem (JSON in production), never a traceback; `INNGEST_DEV=0` and
`false` mean off, as the SDK reads them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.faults.harness import free_port
from tests.faults.processes import ROOT, app_env, start, uvicorn_command

PRODUCTION_BAD = {
    "APP_ENV": "production",
    "AUTH_SECRET": "short",
    "OUTBOX_BATCH_SIZE": "0",
    "INNGEST_RETRIES": "99",
}
COMMANDS = {
    "alembic": ["-m", "alembic", "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
    "relay": ["-m", "app.jobs.relay", "--once"],
    "purge": ["-m", "app.jobs.purge"],
}


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    process = start(command, env, cwd)
    output, _ = process.communicate(timeout=60)
    return process.returncode, [line for line in output.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_bad_configuration_is_one_json_line_with_every_problem(
    name: str, tmp_path: Path
) -> None:
    env = app_env(**PRODUCTION_BAD, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    code, lines = run([sys.executable, *COMMANDS[name]], env, tmp_path)
    assert code not in (0, None)
    assert len(lines) == 1, lines
    line = json.loads(lines[0])
    assert line["event"] == "app.startup_refused"
    problems = " ".join(line["problems"])
    for field in ("OUTBOX_BATCH_SIZE", "INNGEST_RETRIES"):
        assert field in problems


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_unreachable_database_is_one_line(name: str, tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    env = app_env(DATABASE_URL=url, INNGEST_ENABLED="true")
    code, lines = run([sys.executable, *COMMANDS[name]], env, tmp_path)
    assert code not in (0, None)
    assert [line for line in lines if "database_unreachable" in line] == lines
    assert len(lines) == 1, lines


@pytest.mark.parametrize("value", ["0", "false"])
def test_inngest_dev_off_is_not_refused_in_production(
    value: str, tmp_path: Path
) -> None:
    env = app_env(
        APP_ENV="production",
        AUTH_SECRET="a-production-secret-with-more-than-32-chars",
        INNGEST_SIGNING_KEY="signkey-prod-" + "ab" * 32,
        INNGEST_DEV=value,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
    )
    process = start(uvicorn_command("app.main:create_app", free_port()), env, tmp_path)
    try:
        for line in process.stdout or []:
            if "Uvicorn running on" in line or "refusing" in line:
                break
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "refusing" not in line + output
    assert "Uvicorn running on" in line
