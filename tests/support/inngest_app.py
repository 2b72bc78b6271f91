"""Settings that point the real app at the Inngest stand-in (Inngest mode on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.config import Settings
from tests.inngest_server import InngestServer


def inngest_settings(
    settings_factory: Callable[..., Settings], server: InngestServer, **overrides: Any
) -> Settings:
    """Cloud mode (signed requests) or dev mode, as the stand-in runs."""
    options = server.client_options()
    values: dict[str, Any] = {
        "INNGEST_ENABLED": True,
        "INNGEST_DEV": None if options["is_production"] else "1",
        "INNGEST_SIGNING_KEY": options["signing_key"],
        "INNGEST_EVENT_KEY": options["event_key"],
        "INNGEST_BASE_URL": server.url,
        "INNGEST_SEND_TIMEOUT_MS": 1000,
        "INNGEST_SEND_DEADLINE_S": 3.0,
        "OUTBOX_POLL_INTERVAL_S": 0.1,
    }
    values.update(overrides)
    return settings_factory(**values)
