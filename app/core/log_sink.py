"""Where our own structlog lines go: rendered once by structlog, written to
the root logger's stream handlers (stderr in production, whatever a test
attaches), and kept as Sentry breadcrumbs.

Our lines skip the stdlib `LogRecord` round trip (a record, a copy of it in
the formatter, the processor chain run a second time, Sentry's logging hook):
half the cost of a line, paid on every Inngest call. Lines of other libraries
still go through stdlib logging and the same processors (app/core/logging.py).
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import sentry_sdk

# The job.* and access lines are written as a call ends, with its Sentry
# scope: as breadcrumbs they would never precede an event of theirs.
JOB_LOGGER = "app.jobs.run"
ACCESS_LOGGER = "app.access"
_NOT_BREADCRUMB_LOGGERS = frozenset({JOB_LOGGER, ACCESS_LOGGER})
_NOT_BREADCRUMB_DATA = frozenset({"event", "level", "logger", "timestamp"})


class RootHandlersLogger:
    """A structlog logger writing finished lines to the root stream handlers.

    structlog calls the method named after the line's level, so each handler's
    own level still applies."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _write(self, levelno: int, line: str) -> None:
        for handler in logging.getLogger().handlers:
            stream = getattr(handler, "stream", None)
            if stream is None or levelno < handler.level:
                continue
            handler.acquire()
            try:
                stream.write(line + "\n")
                stream.flush()  # one line, out now (as StreamHandler does)
            except (OSError, ValueError):
                # As `logging.Handler.handleError` does not raise either: a
                # broken or closed stream never fails the code that logs.
                continue
            finally:
                handler.release()

    def debug(self, line: str) -> None:
        self._write(logging.DEBUG, line)

    def info(self, line: str) -> None:
        self._write(logging.INFO, line)

    def warning(self, line: str) -> None:
        self._write(logging.WARNING, line)

    def error(self, line: str) -> None:
        self._write(logging.ERROR, line)

    def critical(self, line: str) -> None:
        self._write(logging.CRITICAL, line)

    msg = info
    warn = warning
    exception = error
    fatal = critical


def logger_factory(*args: Any) -> RootHandlersLogger:
    return RootHandlersLogger(str(args[0]) if args else "app")


def add_logger_name(
    logger: RootHandlersLogger, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    event_dict["logger"] = logger.name
    return event_dict


def breadcrumb(
    logger: RootHandlersLogger, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A Sentry breadcrumb for INFO and above (values already redacted; the
    level as `add_log_level` normalised it)."""
    level = event_dict.get("level")
    if logger.name in _NOT_BREADCRUMB_LOGGERS or level == "debug":
        return event_dict
    sentry_sdk.add_breadcrumb(
        type="log",
        category=logger.name,
        level=level,
        message=str(event_dict.get("event", "")),
        data={
            k: v
            for k, v in event_dict.items()
            if k not in _NOT_BREADCRUMB_DATA and not k.startswith("_")
        },
    )
    return event_dict
