"""Redaction: the denylist of keys (recursive), emails and the event key in text,
in the real logging chain (JSON and console) and for stdlib loggers too."""

from __future__ import annotations

import logging

import pytest
import structlog

from app.core.config import Settings
from app.core.logging import configure_logging, get_logger
from app.core.redaction import REDACTED, is_sensitive_key, redact, scrub_text

EMAIL = "jane.doe+gym@example.com"
HRV = "HRV_CANARY_4242"
TOKEN = "tok_CANARY_secret_9876"


@pytest.mark.parametrize(
    "key",
    [
        "email",
        "Email",
        "phone_number",
        "name",
        "first_name",
        "hrv",
        "hrv_ms",
        "rmssd",
        "sleep_score",
        "readiness",
        "injury_risk",
        "heart_rate_avg",
        "bodyweight_kg",
        "notes",
        "access_token",
        "refresh-token",
        "client_secret",
        "api_key",
        "event_key",
        "key",
        "password",
        "authorization",
        "x-inngest-signature",
    ],
)
def test_denylisted_keys_are_sensitive(key: str) -> None:
    assert is_sensitive_key(key)


@pytest.mark.parametrize(
    "key",
    ["event", "event_name", "event_id", "member_id", "run_id", "function_id", "count"],
)
def test_id_and_name_fields_of_ours_stay(key: str) -> None:
    assert not is_sensitive_key(key)


def test_redaction_is_recursive_and_masks_emails_in_text() -> None:
    value = {
        "member_id": "m-1",
        "profile": {"email": EMAIL, "hrv": [{"rmssd": 42}], "ok": 1},
        "items": [{"access_token": TOKEN}, f"contact {EMAIL} now"],
        "url": "http://127.0.0.1:8288/e/SECRET_EVENT_KEY?x=1",
    }
    out = redact(value)
    assert out["member_id"] == "m-1"
    assert out["profile"] == {"email": REDACTED, "hrv": REDACTED, "ok": 1}
    assert out["items"] == [{"access_token": REDACTED}, "contact [email] now"]
    assert out["url"] == "http://127.0.0.1:8288/e/[redacted]?x=1"
    assert scrub_text("no personal data here") == "no personal data here"


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_log_lines_carry_no_canary(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(Settings(_env_file=None, LOG_FORMAT=fmt))
    log = get_logger("app.test")
    with structlog.contextvars.bound_contextvars(email=EMAIL):
        log.info("member.updated", hrv=HRV, data={"nested": {"token": TOKEN}})
        log.info(f"free text mentioning {EMAIL}")
        logging.getLogger("uvicorn.error").info("GET /x?email=%s 200", EMAIL)
        try:
            raise ValueError(f"bad address {EMAIL}")
        except ValueError:
            log.exception("member.failed", sleep_score=HRV)
    output = capsys.readouterr().err
    assert "member.updated" in output
    assert "member.failed" in output
    for canary in (EMAIL, HRV, TOKEN):
        assert canary not in output


@pytest.mark.parametrize(
    "text",
    [
        "(sqlite3.IntegrityError) UNIQUE constraint failed: gyms.id\n"
        "[SQL: INSERT INTO gyms (id, name) VALUES (?, 'tok_CANARY_9f8e7d')]\n"
        "[parameters: ('1', 'HRV_CANARY_4242')]\n(Background on this error at: x)",
        "duplicate key value violates unique constraint\n"
        "DETAIL:  Key (external_user_id)=(HRV_CANARY_4242) already exists.",
        "Key (name)=(tok_CANARY_9f8e7d) is not present in table",
        "[SQL parameters: {'token': 'tok_CANARY_9f8e7d'}]",
    ],
)
def test_database_error_fragments_are_scrubbed(text: str) -> None:
    """Issue 16 #2: what SQLAlchemy and PostgreSQL put into an error's text."""
    scrubbed = scrub_text(text)
    assert "HRV_CANARY_4242" not in scrubbed
    assert "tok_CANARY_9f8e7d" not in scrubbed
    assert "[redacted]" in scrubbed


def test_brackets_without_sql_stay() -> None:
    assert scrub_text("steps [a, b] done") == "steps [a, b] done"
