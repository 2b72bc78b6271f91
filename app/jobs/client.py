"""The one Inngest client, built from settings (never at import time)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator

import inngest

from app.core.config import Settings


def build_inngest_client(
    settings: Settings,
    middleware: list[Callable[[inngest.Inngest, object], inngest.Middleware]],
) -> inngest.Inngest:
    def secret(value: object) -> str | None:
        get = getattr(value, "get_secret_value", None)
        return str(get()) if get else None

    event_api = settings.INNGEST_EVENT_API_BASE_URL or settings.INNGEST_BASE_URL
    api = settings.INNGEST_API_BASE_URL or settings.INNGEST_BASE_URL
    with _fallback_key_env(secret(settings.INNGEST_SIGNING_KEY_FALLBACK)):
        return inngest.Inngest(
            app_id=settings.APP_ID,
            app_version=settings.APP_VERSION,
            is_production=not settings.inngest_dev_mode,
            event_key=secret(settings.INNGEST_EVENT_KEY),
            signing_key=secret(settings.INNGEST_SIGNING_KEY),
            api_base_url=api,
            event_api_base_url=event_api,
            request_timeout=settings.INNGEST_SEND_TIMEOUT_MS,
            logger=logging.getLogger("inngest"),
            middleware=list(middleware),
        )


@contextlib.contextmanager
def _fallback_key_env(value: str | None) -> Iterator[None]:
    """The SDK reads the fallback signing key only from the environment."""
    name = "INNGEST_SIGNING_KEY_FALLBACK"
    previous = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if value is not None and previous is None:
            os.environ.pop(name, None)
        elif value is not None and previous is not None:
            os.environ[name] = previous
