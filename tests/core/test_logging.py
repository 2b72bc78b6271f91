"""Logging: one structlog chain for our loggers and stdlib ones, no locals."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from app.core.config import Settings
from app.core.logging import configure_logging, get_logger


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def configure_json() -> None:
    configure_logging(Settings(_env_file=None, LOG_FORMAT="json"))


def test_structlog_and_stdlib_lines_are_json_with_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_json()
    with structlog.contextvars.bound_contextvars(request_id="req-1"):
        get_logger("app.test").info("thing.done", count=3)
        logging.getLogger("uvicorn.error").warning("stdlib says hi")
    lines = json_lines(capsys.readouterr().err)
    ours = next(line for line in lines if line["event"] == "thing.done")
    assert ours["request_id"] == "req-1"
    assert ours["count"] == 3
    assert ours["level"] == "info"
    theirs = next(line for line in lines if line["event"] == "stdlib says hi")
    assert theirs["request_id"] == "req-1"
    assert theirs["logger"] == "uvicorn.error"


def test_exceptions_render_without_local_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_json()
    hrv_value = "HRV_CANARY_4242"
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        get_logger("app.test").exception("thing.failed")
    output = capsys.readouterr().err
    assert "thing.failed" in output
    assert "RuntimeError" in output
    assert hrv_value not in output


def test_httpx_is_quiet_because_the_event_key_is_in_its_urls() -> None:
    configure_json()
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
