"""Settings: defaults, validation and the Inngest mode rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings

GOOD_SECRET = "a-production-secret-with-more-than-32-chars"


def build(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_defaults_are_inline_mode_on_sqlite() -> None:
    settings = build()
    assert settings.APP_ENV is Environment.DEVELOPMENT
    assert settings.INNGEST_ENABLED is False
    assert settings.INNGEST_RETRIES == 3
    assert settings.DATABASE_URL == "sqlite+aiosqlite:///./gym_jobs.db"
    assert settings.log_format == "console"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///./x.db", "sqlite+aiosqlite:///./x.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_url_gets_an_async_driver(given: str, expected: str) -> None:
    assert expected == build(DATABASE_URL=given).DATABASE_URL


@pytest.mark.parametrize("secret", ["changethis", "dev-secret", "short-secret"])
def test_production_refuses_placeholder_or_short_auth_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="AUTH_SECRET"):
        build(APP_ENV="production", AUTH_SECRET=secret)


def test_production_json_logs_and_cloud_mode() -> None:
    settings = build(APP_ENV="production", AUTH_SECRET=GOOD_SECRET)
    assert settings.log_format == "json"
    assert settings.inngest_dev_mode is False


@pytest.mark.parametrize(
    ("env", "dev", "signing_key", "expected"),
    [
        ("development", None, None, True),  # offline `make run`
        ("development", None, "signkey-test-00", False),
        ("development", "0", None, False),
        ("development", "false", None, False),
        ("production", None, None, False),  # fails closed at startup instead
        ("production", "1", "signkey-prod-00", True),
        ("test", "http://127.0.0.1:8288", None, True),
    ],
)
def test_inngest_dev_mode_rules(
    env: str, dev: str | None, signing_key: str | None, expected: bool
) -> None:
    settings = build(
        APP_ENV=env,
        INNGEST_DEV=dev,
        INNGEST_SIGNING_KEY=signing_key,
        AUTH_SECRET=GOOD_SECRET,
    )
    assert settings.inngest_dev_mode is expected


def test_retries_are_bounded() -> None:
    with pytest.raises(ValidationError):
        build(INNGEST_RETRIES=21)


def test_empty_env_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "")
    monkeypatch.setenv("INNGEST_DEV", "")
    settings = build()
    assert settings.LOG_FORMAT is None
    assert settings.INNGEST_DEV is None


@pytest.mark.parametrize(
    ("env", "providers", "fake"),
    [
        ("development", None, True),  # `make run` never waits on the internet
        ("test", None, False),  # tests point the base URLs at a loopback fake
        ("production", None, False),
        ("development", "real", False),
        ("test", "fake", True),
    ],
)
def test_wearable_providers_rule(env: str, providers: str | None, fake: bool) -> None:
    settings = build(APP_ENV=env, WEARABLE_PROVIDERS=providers, AUTH_SECRET=GOOD_SECRET)
    assert settings.wearables_fake is fake


def test_production_defaults_to_the_real_provider_urls() -> None:
    settings = build(APP_ENV="production", AUTH_SECRET=GOOD_SECRET)
    assert settings.WEARABLE_PROVIDERS is None
    assert settings.WEARABLE_OURA_API_BASE_URL == "https://api.ouraring.com"
    assert settings.WEARABLE_WHOOP_API_BASE_URL.startswith("https://api.prod.whoop.com")


def test_every_setting_is_documented_in_env_example() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example.read_text(), re.M))
    assert documented == set(Settings.model_fields)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "memory"),
        ("1", "memory"),
        ("false", "off"),
        ("0", "off"),
        ("memory", "memory"),
        ("database", "database"),
        ("off", "off"),
    ],
)
def test_replay_cache_setting_keeps_its_old_boolean_values(
    value: str, expected: str
) -> None:
    replay_cache = build(INNGEST_REPLAY_CACHE=value).INNGEST_REPLAY_CACHE
    assert replay_cache == expected
