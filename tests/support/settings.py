"""Settings for tests: never read from the developer's .env file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.config import Environment, Settings
from tests.fakes.event_api import TEST_EVENT_KEY

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
        "GC_YOUNG_THRESHOLD": 0,  # and the collector's thresholds stay as they are
        # Apps started by tests run no crons unless the test asks for them
        # (tests/jobs/test_inline_scheduler.py drives the scheduler's clock).
        "INLINE_SCHEDULER": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def relay_settings(
    settings_factory: Callable[..., Settings], event_api_url: str, **overrides: Any
) -> Settings:
    """Inngest mode with the outbox relay sending to a loopback event API
    (tests/fakes/event_api.py, which accepts `TEST_EVENT_KEY`)."""
    values: dict[str, Any] = {
        "INNGEST_ENABLED": True,
        "INNGEST_EVENT_KEY": TEST_EVENT_KEY,
        "INNGEST_EVENT_API_BASE_URL": event_api_url,
        "INNGEST_API_BASE_URL": event_api_url,
    }
    values.update(overrides)
    return settings_factory(**values)
