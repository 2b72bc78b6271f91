"""Refuse to start with a configuration that is invalid or unsafe.

Every entry point (`create_app`, `alembic upgrade head`, the relay, the purge
command) loads settings with `load_settings` and calls
`enforce_startup_guards` before anything is built: a refused start prints
one line listing every problem (JSON in production or with LOG_FORMAT=json,
read from the environment since the settings may not load), exits non-zero
and serves nothing. `StartupRefusedError` is a `SystemExit` whose message is
that line, so no traceback is printed (uvicorn's `--factory` loader included).
A database that cannot be reached at startup is one line too
(`DatabaseUnreachableError`, `exit_if_database_unreachable`).

Inline mode in production is allowed (small deployments without Inngest) but
logged loudly, with what cannot run inline.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from app.core.config import PLACEHOLDER_SECRETS, Settings, get_settings
from app.core.logging import get_logger
from app.core.unexpected_errors import database_unreachable_reason

log = get_logger("app.startup")
# Only to check the rest of a configuration whose AUTH_SECRET was refused.
_STAND_IN_SECRET = "stand-in-secret-never-used-for-tokens-0123456789"  # noqa: S105


def _json_wanted() -> bool:
    fmt = os.environ.get("LOG_FORMAT", "").strip().lower()
    if fmt:
        return fmt == "json"
    return os.environ.get("APP_ENV", "").strip().lower() == "production"


def one_line(event: str, message: str, **fields: Any) -> str:
    """The single line an entry point prints when it cannot start."""
    if _json_wanted():
        return json.dumps(
            {"event": event, "level": "error", "message": message, **fields}
        )
    return message


class StartupRefusedError(SystemExit):
    """The configuration is invalid or unsafe: exit non-zero, with the reasons."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        message = "refusing to start: " + "; ".join(self.problems)
        super().__init__(
            one_line("app.startup_refused", message, problems=self.problems)
        )


class DatabaseUnreachableError(SystemExit):
    """The database cannot be reached: exit non-zero, saying why, in one line."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(
            one_line(
                "database_unreachable",
                f"database_unreachable: {reason} (check DATABASE_URL and the network)",
                reason=reason,
            )
        )


def exit_if_database_unreachable(exc: BaseException) -> None:
    """Raise `DatabaseUnreachableError` when `exc` means it; else return."""
    reason = database_unreachable_reason(exc)
    if reason is not None:
        raise DatabaseUnreachableError(reason) from None


def production_problems(settings: Settings) -> list[str]:
    """What makes this configuration unsafe to serve in production (may be empty)."""
    if not settings.is_production:
        return []
    problems: list[str] = []
    if settings.INNGEST_DEV is not None and settings.inngest_dev_mode:
        # "0" and "false" are off for the SDK: not a problem.
        problems.append(
            "INNGEST_DEV is set: it turns off request signature checks on /api/inngest"
        )
    if settings.INNGEST_SIGNING_KEY is None:
        problems.append(
            "INNGEST_SIGNING_KEY is not set: /api/inngest cannot verify requests"
        )
    if settings.INNGEST_ENABLED and settings.INNGEST_EVENT_KEY is None:
        problems.append("INNGEST_EVENT_KEY is not set: events cannot be sent")
    if settings.INNGEST_ENABLED and not settings.INNGEST_SERVE_ORIGIN:
        problems.append(
            "INNGEST_SERVE_ORIGIN is not set: the Host header would decide the"
            " URL registered with Inngest"
        )
    if settings.WEARABLE_PROVIDERS == "fake":
        problems.append(
            "WEARABLE_PROVIDERS is fake: wearable sync would store synthetic data"
        )
    secret = settings.AUTH_SECRET.get_secret_value()
    if secret in PLACEHOLDER_SECRETS or len(secret) < 32:
        problems.append("AUTH_SECRET is a placeholder or shorter than 32 characters")
    return problems


def load_settings() -> Settings:
    """`get_settings()`, or a refused start listing every problem at once:
    each invalid field, then what the rest of the configuration gets wrong
    (checked again with the invalid fields at their defaults)."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = _field_problems(exc)
        bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        defaults = {
            name: field.get_default(call_default_factory=True)
            for name, field in Settings.model_fields.items()
            if name in bad
        }
        problems += _rest_problems(defaults)
        raise StartupRefusedError(problems) from None


def _rest_problems(defaults: dict[str, Any]) -> list[str]:
    try:
        return production_problems(Settings(**defaults))
    except ValidationError as rest:  # the AUTH_SECRET rule of the model
        problems = _field_problems(rest)
    try:
        stand_in = Settings(**defaults, AUTH_SECRET=_STAND_IN_SECRET)
    except ValidationError:
        return problems
    return problems + [
        p for p in production_problems(stand_in) if not p.startswith("AUTH_SECRET")
    ]


def _field_problems(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False)
    ]


def enforce_startup_guards(
    settings: Settings, *, cron_function_ids: Sequence[str] = ()
) -> None:
    problems = production_problems(settings)
    if problems:
        raise StartupRefusedError(problems)
    if settings.is_production and not settings.INNGEST_ENABLED:
        log.warning(
            "app.inline_mode_in_production",
            cannot_run_inline={
                "crons": "run by the in-process scheduler (one leader process)"
                if settings.INLINE_SCHEDULER
                else list(cron_function_ids),
                "step_timers": "skipped: inline work has no timer",
                "durable_retries": "in-process only; a crash loses the work",
                "flow_control": "concurrency, throttle and cancel are not enforced",
            },
            hint="set INNGEST_ENABLED=true with Inngest keys for production",
        )
    if settings.is_production and settings.allowed_hosts == ["*"]:
        log.warning(
            "app.any_host_accepted", hint="set ALLOWED_HOSTS to the served hostnames"
        )
