"""Production refuses unsafe configurations; inline mode is loud, not refused."""

from __future__ import annotations

from typing import Any

import pytest
from structlog.testing import capture_logs

from app.core.config import Settings
from app.core.startup_guards import (
    StartupRefusedError,
    enforce_startup_guards,
    production_problems,
)

GOOD_SECRET = "a-production-secret-with-more-than-32-chars"
SAFE: dict[str, Any] = {
    "APP_ENV": "production",
    "AUTH_SECRET": GOOD_SECRET,
    "INNGEST_ENABLED": True,
    "INNGEST_SIGNING_KEY": "signkey-prod-" + "ab" * 32,
    "INNGEST_EVENT_KEY": "prod-event-key",
    "INNGEST_SERVE_ORIGIN": "https://jobs.example.com",
    "ALLOWED_HOSTS": "jobs.example.com",
}


def build(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **(SAFE | overrides))


def test_a_safe_production_configuration_starts() -> None:
    assert production_problems(build()) == []
    enforce_startup_guards(build())


@pytest.mark.parametrize(
    ("overrides", "mentions"),
    [
        ({"INNGEST_DEV": "1"}, "INNGEST_DEV"),
        ({"INNGEST_SIGNING_KEY": None}, "INNGEST_SIGNING_KEY"),
        ({"INNGEST_EVENT_KEY": None}, "INNGEST_EVENT_KEY"),
        ({"INNGEST_SERVE_ORIGIN": None}, "INNGEST_SERVE_ORIGIN"),
        ({"WEARABLE_PROVIDERS": "fake"}, "WEARABLE_PROVIDERS"),
    ],
)
def test_unsafe_production_configurations_are_refused(
    overrides: dict[str, Any], mentions: str
) -> None:
    with pytest.raises(StartupRefusedError) as refused:
        enforce_startup_guards(build(**overrides))
    assert refused.value.code is not None
    assert mentions in str(refused.value.code)
    assert isinstance(refused.value, SystemExit)


def test_placeholder_auth_secret_is_refused_when_loading_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.core import startup_guards
    from app.core.config import get_settings

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AUTH_SECRET", "changethis")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:DB_PASSWORD_CANARY@h/db")
    get_settings.cache_clear()
    try:
        with pytest.raises(StartupRefusedError) as refused:
            startup_guards.load_settings()
    finally:
        get_settings.cache_clear()
    assert "AUTH_SECRET" in str(refused.value.code)
    assert "DB_PASSWORD_CANARY" not in str(refused.value.code)


@pytest.mark.parametrize("scheduler", [True, False])
def test_inline_mode_in_production_starts_but_says_what_cannot_run(
    scheduler: bool,
) -> None:
    settings = build(
        INNGEST_ENABLED=False, INNGEST_EVENT_KEY=None, INLINE_SCHEDULER=scheduler
    )
    with capture_logs() as logs:
        enforce_startup_guards(settings, cron_function_ids=["alerts-churn-scan-daily"])
    [warning] = [e for e in logs if e["event"] == "app.inline_mode_in_production"]
    assert warning["log_level"] == "warning"
    crons = warning["cannot_run_inline"]["crons"]
    if scheduler:
        assert "in-process scheduler" in crons
    else:
        assert crons == ["alerts-churn-scan-daily"]
    assert {"step_timers", "durable_retries"} <= set(warning["cannot_run_inline"])


def test_outside_production_nothing_is_refused() -> None:
    enforce_startup_guards(build(APP_ENV="development", INNGEST_DEV="1"))
    enforce_startup_guards(build(APP_ENV="development", WEARABLE_PROVIDERS="fake"))


def test_production_may_name_the_real_providers() -> None:
    assert production_problems(build(WEARABLE_PROVIDERS="real")) == []
