"""Sentry, initialised before the app object exists.

Health data never leaves. `DATA_COLLECTION` (the SDK's successor of the
deprecated `send_default_pii`) turns every category of automatic collection
off: no user identity, cookies, request headers, query strings or bodies, no
local variables, no database query data. What an event still carries (the
request's method and URL path, `extra`, contexts, breadcrumb data) goes
through the same redaction as logs (app/core/redaction.py), exception
messages and breadcrumb messages have emails and the Inngest event key (its
URL path carries the key) masked, and breadcrumbs of calls to the Inngest
event API are dropped.
"""

from __future__ import annotations

import logging
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Event, Hint

from app.core.config import Settings
from app.core.redaction import EVENT_KEY_PATH, redact, scrub_text

OFF: Any = {"mode": "off"}
# Every field set, none left to the SDK's defaults: an omitted field means
# "collect" (user info, bodies, headers, query strings, locals...). With this
# option set the SDK ignores `event_scrubber`; our `before_send` redaction
# (app/core/redaction.py) is the scrubber.
DATA_COLLECTION: Any = {
    "user_info": False,
    "cookies": OFF,
    "http_headers": {"request": OFF},
    "http_bodies": [],
    "url_query_params": OFF,
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "frame_context_lines": 5,  # our source code around a frame, not data
}
# Contexts the SDK fills itself (runtime, os, trace…): left as they are.
OWN_CONTEXTS = frozenset({"inngest", "relay", "dead_letter"})


def _before_breadcrumb(crumb: dict[str, Any], hint: Hint) -> dict[str, Any] | None:
    data = crumb.get("data")
    if isinstance(data, dict):
        url = data.get("url")
        if isinstance(url, str) and EVENT_KEY_PATH.search(url):
            return None  # a send to the Inngest event API: nothing worth keeping
        crumb["data"] = redact(data)
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub_text(crumb["message"])
    return crumb


def _scrub_exceptions(event: Event) -> None:
    exceptions = event.get("exception")
    values = exceptions.get("values") if isinstance(exceptions, dict) else None
    for value in values or []:
        if isinstance(value.get("value"), str):
            value["value"] = scrub_text(value["value"])
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)  # no locals, even if an integration adds them


def _before_send(event: Event, hint: Hint) -> Event | None:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        event["request"] = redact(request)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        for name in OWN_CONTEXTS & contexts.keys():
            contexts[name] = redact(contexts[name])
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        event["logentry"] = redact(logentry)
    _scrub_exceptions(event)
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict) and isinstance(crumbs.get("values"), list):
        crumbs["values"] = [
            kept
            for crumb in crumbs["values"]
            if (kept := _before_breadcrumb(crumb, {})) is not None
        ]
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
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",  # still read by some integrations
        before_send=_before_send,
        before_breadcrumb=_before_breadcrumb,
        default_integrations=True,
        integrations=[
            # stdlib log lines become breadcrumbs only: never events, never
            # Sentry Logs (our own lines add theirs: app/core/log_sink.py).
            LoggingIntegration(
                level=logging.INFO, event_level=None, sentry_logs_level=None
            )
        ],
        # Their per-middleware spans and handler wrappers would run on every
        # Inngest step call too; the API gets Sentry's ASGI middleware instead
        # (app/main.py) and /api/inngest reports through the Inngest middleware.
        disabled_integrations=[StarletteIntegration, FastApiIntegration],
        transport=transport,
    )
    return True
