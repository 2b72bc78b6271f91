"""S6 (boot): production with a dangerous configuration exits non-zero with a
clear message and serves nothing. A real uvicorn process, as in the image."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import free_port
from tests.faults.processes import app_env, start, uvicorn_command

SAFE = {
    "APP_ENV": "production",
    "AUTH_SECRET": "a-production-secret-with-more-than-32-chars",
    "INNGEST_ENABLED": "true",
    "INNGEST_SIGNING_KEY": "signkey-prod-" + "ab" * 32,
    "INNGEST_EVENT_KEY": "prod-event-key",
    "INNGEST_SERVE_ORIGIN": "https://jobs.example.com",
}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"INNGEST_DEV": "1"}, "INNGEST_DEV is set"),
        ({"AUTH_SECRET": "changethis"}, "AUTH_SECRET"),
    ],
    ids=["inngest-dev-set", "placeholder-auth-secret"],
)
def test_unsafe_production_boot_exits_non_zero_and_serves_nothing(
    overrides: dict[str, str], reason: str, tmp_path: Path
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    env = app_env(**(SAFE | overrides), DATABASE_URL=database)
    process = start(uvicorn_command("app.main:create_app", free_port()), env, tmp_path)
    output, _ = process.communicate(timeout=60)
    assert process.returncode not in (0, None)
    assert "refusing to start" in output
    assert reason in output
    assert "Uvicorn running on" not in output  # never listened
    assert "Traceback" not in output  # a message, not a crash
