"""Where `/metrics` is served: open in development and test, in production
only with METRICS_TOKEN on the API port, or on METRICS_PORT; merged across
workers with PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.core.metrics_http import add_metrics, start_metrics_port
from tests.faults.harness import free_port
from tests.support.metrics_scrape import parse
from tests.support.serving import serve
from tests.support.settings import TEST_AUTH_SECRET

WORDS = ("bound", "taken")
METRICS_TOKEN = "metrics-token-for-tests-0123456789"


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "APP_ENV": "production",
        "AUTH_SECRET": TEST_AUTH_SECRET,
        "DATABASE_URL": "sqlite+aiosqlite://",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def app_with_metrics(settings: Settings) -> FastAPI:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"ok": "yes"}

    add_metrics(app, settings)
    return app


async def test_production_without_a_token_does_not_serve_metrics() -> None:
    async with (
        serve(app_with_metrics(production()), lifespan="off") as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.get("/metrics")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "gymjobs" not in response.text


async def test_production_with_a_token_needs_it() -> None:
    settings = production(METRICS_TOKEN=METRICS_TOKEN)
    async with (
        serve(app_with_metrics(settings), lifespan="off") as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        await client.get("/ping")
        anonymous = await client.get("/metrics")
        wrong = await client.get(
            "/metrics", headers={"Authorization": "Bearer not-the-token"}
        )
        right = await client.get(
            "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert anonymous.json() == {
        "code": "unauthorized",
        "detail": "metrics token required",
    }
    assert right.status_code == 200
    scraped = parse(right.text)
    assert (
        scraped.value(
            "gymjobs_http_requests_total", route="/ping", method="GET", status="200"
        )
        >= 1
    )
    assert METRICS_TOKEN not in right.text


async def test_metrics_disabled_serves_nothing() -> None:
    settings = production(METRICS_ENABLED=False, METRICS_TOKEN=METRICS_TOKEN)
    async with (
        serve(app_with_metrics(settings), lifespan="off") as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.get(
            "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
    assert response.status_code == 404


def test_a_separate_port_serves_metrics_and_a_second_process_shares_it(
    tmp_path: Path,
) -> None:
    """Two processes with one PROMETHEUS_MULTIPROC_DIR: the first binds
    METRICS_PORT, the second finds it taken; one scrape shows both."""
    port = free_port()
    script = tmp_path / "worker.py"
    script.write_text(
        "import sys, time\n"
        "from app.core import metrics\n"
        "from app.core.metrics_http import start_metrics_port\n"
        "from tests.support.settings import make_settings\n"
        "settings = make_settings('sqlite+aiosqlite://', METRICS_PORT=int(sys.argv[1]))\n"
        "bound = start_metrics_port(settings)\n"
        "metrics.dead_letters.labels('probe-record', 'inline').inc()\n"
        "print('bound' if bound else 'taken', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"),
        PYTHONPATH=str(root),
    )
    (tmp_path / "prom").mkdir()
    workers = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a test script
            [sys.executable, str(script), str(port)],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        said = []
        for worker in workers:
            assert worker.stdout is not None
            lines = iter(worker.stdout.readline, "")  # log lines come first
            said.append(next(x for x in map(str.strip, lines) if x in WORDS))
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    finally:
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait(timeout=30)
    assert sorted(said) == ["bound", "taken"]
    scraped = parse(response.text)
    total = scraped.value(
        "gymjobs_dead_letters_total", function="probe-record", mode="inline"
    )
    assert total == 2  # both processes' counts, merged


def test_no_port_is_opened_without_the_setting() -> None:
    assert start_metrics_port(production()) is False
