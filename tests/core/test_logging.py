"""Logging: one structlog chain for our loggers and stdlib ones, no locals."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from typing import Any

import pytest
import sentry_sdk
import structlog

from app.core.config import Settings
from app.core.context import SystemActor, system_context
from app.core.log_sink import JOB_LOGGER
from app.core.logging import configure_logging, get_logger
from tests.support.sentry_capture import CapturingTransport


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


def test_lines_below_the_level_are_dropped_before_any_processor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings(_env_file=None, LOG_FORMAT="json", LOG_LEVEL="INFO"))
    calls: list[str] = []

    class Watched(dict[str, str]):
        """Records when a processor (the redaction) walks it."""

        def items(self) -> Any:
            calls.append("walked")
            return super().items()

    with structlog.contextvars.bound_contextvars(probe=Watched(a="b")):
        get_logger("app.test").debug("below.level")
        assert calls == []
        get_logger("app.test").info("at.level")
        assert calls == ["walked"]  # the probe itself works
    assert [line["event"] for line in json_lines(capsys.readouterr().err)] == [
        "at.level"
    ]


def test_our_lines_become_breadcrumbs_except_the_job_lines(
    sentry_capture: CapturingTransport, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_json()
    with sentry_sdk.isolation_scope():
        get_logger("app.services.thing").info("thing.loaded", count=2, email="a@b.co")
        get_logger(JOB_LOGGER).info("job.completed")
        sentry_sdk.capture_message("after the lines")
    [event] = sentry_capture.events
    crumbs = event["breadcrumbs"]["values"]
    [ours] = [c for c in crumbs if c.get("message") == "thing.loaded"]
    assert ours["category"] == "app.services.thing"
    assert ours["data"]["count"] == 2
    assert ours["data"]["email"] == "[redacted]"
    assert not [c for c in crumbs if c.get("message") == "job.completed"]
    events = [line["event"] for line in json_lines(capsys.readouterr().err)]
    assert events == ["thing.loaded", "job.completed"]


def test_handler_levels_apply_and_a_closed_stream_never_raises() -> None:
    configure_json()
    root = logging.getLogger()
    warnings_only = logging.StreamHandler(io.StringIO())
    warnings_only.setLevel(logging.WARNING)
    closed = logging.StreamHandler(io.StringIO())
    closed.stream.close()
    root.addHandler(warnings_only)
    root.addHandler(closed)
    try:
        get_logger("app.test").info("quiet.here")
        get_logger("app.test").warning("loud.here")
    finally:
        root.removeHandler(warnings_only)
        root.removeHandler(closed)
    stream = warnings_only.stream
    assert isinstance(stream, io.StringIO)
    assert [line["event"] for line in json_lines(stream.getvalue())] == ["loud.here"]


def test_a_line_carries_its_time_in_utc_iso_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_json()
    get_logger("app.test").info("thing.timed")
    [line] = [
        x for x in json_lines(capsys.readouterr().err) if x["event"] == "thing.timed"
    ]
    stamp = str(line["timestamp"])
    assert stamp.endswith("Z")
    parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.UTC) - parsed).total_seconds()) < 60


class Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


class Shaped:
    def __structlog__(self) -> dict[str, str]:
        return {"shape": "ok"}


def test_values_json_cannot_take_never_fail_the_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_json()
    log = get_logger("app.test")
    log.info("odd.values", opaque=Opaque(), shaped=Shaped(), keyed={1: "one"})
    log.info("odd.int", huge=2**80)
    lines = {x["event"]: x for x in json_lines(capsys.readouterr().err)}
    assert lines["odd.values"]["opaque"] == "<opaque>"
    assert lines["odd.values"]["shaped"] == {"shape": "ok"}
    assert lines["odd.values"]["keyed"] == {"1": "one"}
    assert lines["odd.int"]["huge"] == 2**80
    assert str(lines["odd.int"]["timestamp"]).endswith("Z")


def test_a_run_s_actor_is_on_each_line_written_inside_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_json()
    actor = SystemActor(
        function_id="fn-1", run_id="run-1", event_id="ev-1", attempt=2, mode="inline"
    )
    with system_context(actor):
        get_logger("app.test").info("inside.run", run_id="own-wins")
        logging.getLogger("sqlalchemy.engine").warning("stdlib inside")
    get_logger("app.test").info("outside.run")
    lines = {x["event"]: x for x in json_lines(capsys.readouterr().err)}
    inside = lines["inside.run"]
    assert inside["actor"] == "system"
    assert inside["audit_tag"] == "job:fn-1:run-1"
    assert inside["function_id"] == "fn-1"
    assert inside["run_id"] == "own-wins"  # a line's own field wins
    assert (inside["event_id"], inside["attempt"], inside["mode"]) == (
        "ev-1",
        2,
        "inline",
    )
    assert "event_name" not in inside  # unset fields are left out
    assert lines["stdlib inside"]["audit_tag"] == "job:fn-1:run-1"
    assert "actor" not in lines["outside.run"]
