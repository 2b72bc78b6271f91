"""What every command does first: settings, logging (stderr), Sentry, guards."""

from __future__ import annotations

import sys

from app.core.config import Settings
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


def command_settings(*, dev_only: str | None = None) -> Settings:
    """Settings for a command; `dev_only` names a command production refuses."""
    settings = load_settings()
    if dev_only is not None and settings.is_production:
        raise ProductionRefusedError(dev_only)
    configure_logging(settings)
    enforce_startup_guards(settings)
    configure_sentry(settings)
    return settings


def out(text: str) -> None:
    """A command's result on stdout (logs go to stderr)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
