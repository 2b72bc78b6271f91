"""Run the real app under a real uvicorn process (startup refusals, SIGTERM)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def app_env(**values: str) -> dict[str, str]:
    """A clean environment: only what the app needs plus `values` (and
    coverage's own variables, so `make test` measures these processes too)."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG") or k.startswith("COVERAGE_")
    }
    return {**keep, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **values}


def uvicorn_command(factory: str, port: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]


def start(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
