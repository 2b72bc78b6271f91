"""Sentry, initialised before the app object exists.

Health data never leaves: no PII, no request bodies, no local variables, and
breadcrumbs for the Inngest event API (its URL carries the event key) are
masked.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber
from sentry_sdk.transport import Transport
from sentry_sdk.types import Event, Hint

from app.core.config import Settings

EVENT_KEY_PATH = re.compile(r"/e/[^/?#\s]+")
SENSITIVE_KEYS = [
    "email",
    "phone",
    "hrv",
    "rmssd",
    "sleep",
    "readiness",
    "injury",
    "heart_rate",
    "weight",
    "notes",
    "event_key",
    "signing_key",
    "access_token",
    "refresh_token",
]


def mask_event_key(text: str) -> str:
    return EVENT_KEY_PATH.sub("/e/[redacted]", text)


def _before_breadcrumb(crumb: dict[str, Any], hint: Hint) -> dict[str, Any] | None:
    data = crumb.get("data")
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        data["url"] = mask_event_key(data["url"])
    if isinstance(crumb.get("message"), str):
        crumb["message"] = mask_event_key(crumb["message"])
    return crumb


def _before_send(event: Event, hint: Hint) -> Event | None:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = mask_event_key(url)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def configure_sentry(settings: Settings, transport: Transport | None = None) -> bool:
    """Initialise Sentry when a DSN is set. `transport` lets tests capture."""
    if settings.SENTRY_DSN is None:
        return False
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN.get_secret_value(),
        environment=settings.SENTRY_ENVIRONMENT or settings.APP_ENV.value,
        release=settings.APP_VERSION,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, *SENSITIVE_KEYS], recursive=True
        ),
        before_send=_before_send,
        before_breadcrumb=_before_breadcrumb,
        default_integrations=True,
        integrations=[
            StarletteIntegration(transaction_style="endpoint"),
            FastApiIntegration(transaction_style="endpoint"),
            LoggingIntegration(level=logging.INFO, event_level=None),
        ],
        transport=transport,
    )
    return True
