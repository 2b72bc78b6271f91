"""One place that logs a failure and reports it to Sentry with a fingerprint.

Only IDs, names and error codes go out: never the payload, never the key.
"""

from __future__ import annotations

from collections.abc import Mapping

import sentry_sdk

from app.core.logging import get_logger

log = get_logger("app.jobs")


def report_failure(
    error: BaseException,
    *,
    fingerprint: list[str],
    tags: Mapping[str, str],
    context_name: str,
    context: Mapping[str, object],
) -> str | None:
    """The Sentry event id (None when Sentry is off)."""
    with sentry_sdk.new_scope() as scope:
        scope.fingerprint = fingerprint
        for key, value in tags.items():
            scope.set_tag(key, value)
        scope.set_context(context_name, dict(context))
        return sentry_sdk.capture_exception(error)
