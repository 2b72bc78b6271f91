"""Refuse to start in production with a configuration that is unsafe.

`create_app` (and the relay's entry point) call `enforce_startup_guards`
before anything is built: a refused start logs one clear error line, exits the
process with a non-zero status and serves nothing. `StartupRefusedError` is a
`SystemExit`, so uvicorn's `--factory` loader does not print a traceback.

Inline mode in production is allowed (small deployments without Inngest) but
logged loudly, with what cannot run inline.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from app.core.config import PLACEHOLDER_SECRETS, Settings, get_settings
from app.core.logging import get_logger

log = get_logger("app.startup")


class StartupRefusedError(SystemExit):
    """The configuration is unsafe: exit non-zero, with the reasons."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("refusing to start: " + "; ".join(self.problems))


def production_problems(settings: Settings) -> list[str]:
    """What makes this configuration unsafe to serve in production (may be empty)."""
    if not settings.is_production:
        return []
    problems: list[str] = []
    if settings.INNGEST_DEV is not None:
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
    """`get_settings()`, turning a validation error into a refused start."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        ]
        log.error("app.startup_refused", problems=problems)
        raise StartupRefusedError(problems) from None


def enforce_startup_guards(
    settings: Settings, *, cron_function_ids: Sequence[str] = ()
) -> None:
    problems = production_problems(settings)
    if problems:
        log.error("app.startup_refused", env=settings.APP_ENV.value, problems=problems)
        raise StartupRefusedError(problems)
    if settings.is_production and not settings.INNGEST_ENABLED:
        log.warning(
            "app.inline_mode_in_production",
            cannot_run_inline={
                "crons": "run by the in-process scheduler (one leader process)"
                if settings.INLINE_SCHEDULER
                else list(cron_function_ids),
                "sleeps": "skipped: inline work has no timer",
                "durable_retries": "in-process only; a crash loses the work",
                "flow_control": "concurrency, throttle and cancel are not enforced",
            },
            hint="set INNGEST_ENABLED=true with Inngest keys for production",
        )
    if settings.is_production and settings.allowed_hosts == ["*"]:
        log.warning(
            "app.any_host_accepted", hint="set ALLOWED_HOSTS to the served hostnames"
        )
