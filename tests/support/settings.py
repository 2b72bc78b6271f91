"""Settings for tests: never read from the developer's .env file."""

from __future__ import annotations

from typing import Any

from app.core.config import Environment, Settings

TEST_AUTH_SECRET = "test-auth-secret-that-is-long-enough-0123456789"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "APP_ENV": Environment.TEST,
        "DATABASE_URL": database_url,
        "AUTH_SECRET": TEST_AUTH_SECRET,
        "INNGEST_ENABLED": False,
        "OUTBOX_POLL_INTERVAL_S": 0.2,
        "OUTBOX_BACKOFF_BASE_S": 0.05,
        "OUTBOX_BACKOFF_MAX_S": 0.5,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "console",
        # One test process builds hundreds of apps: freezing the heap at each
        # start would keep every test's objects for good (tests/core/test_gc_tuning.py).
        "GC_FREEZE_AT_STARTUP": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
