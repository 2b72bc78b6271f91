"""What every command does first: settings, logging (stderr), Sentry, guards."""

from __future__ import annotations

import sys

from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.config import Environment, Settings
from app.core.logging import configure_logging
from app.core.sentry import configure_sentry
from app.core.startup_guards import enforce_startup_guards, load_settings


class ProductionRefusedError(SystemExit):
    """A development command was run against a production configuration."""

    def __init__(self, command: str) -> None:
        super().__init__(
            f"refusing to run `{command}` with APP_ENV=production: it is for"
            " development and demos only"
        )


class _Environment(BaseSettings):
    """APP_ENV alone, read the way `Settings` reads it, before anything else
    is validated (a production configuration may well be incomplete here)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore"
    )
    APP_ENV: str = Environment.DEVELOPMENT.value


def command_settings(*, dev_only: str | None = None) -> Settings:
    """Settings for a command; `dev_only` names a command production refuses."""
    production = _Environment().APP_ENV.strip().lower() == Environment.PRODUCTION
    if dev_only is not None and production:
        raise ProductionRefusedError(dev_only)
    settings = load_settings()
    configure_logging(settings)
    enforce_startup_guards(settings)
    configure_sentry(settings)
    return settings


def out(text: str) -> None:
    """A command's result on stdout (logs go to stderr)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
