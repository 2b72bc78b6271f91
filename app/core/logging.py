"""structlog + stdlib logging, configured once before the app is built.

Every stdlib logger (uvicorn, sqlalchemy, inngest, alembic) is rendered by the
same structlog processor chain: console in development, JSON in production.
Redaction (app/core/redaction.py) runs right after the context is merged, so
no later processor, handler or Sentry breadcrumb sees a denylisted value, and
once more on the rendered exception text (the only field added after it).
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

import structlog
from structlog.typing import Processor

from app.core.config import Settings
from app.core.redaction import redact_event_dict, redact_exception

# The event key sits in the Inngest event-API URL path; httpx logs URLs at INFO.
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        redact_event_dict,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def _renderer(settings: Settings) -> list[Processor]:
    if settings.log_format == "json":
        # No local variables in tracebacks: they can hold health data.
        transformer = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        return [
            structlog.processors.ExceptionRenderer(transformer),
            redact_exception,
            structlog.processors.JSONRenderer(),
        ]
    return [
        structlog.processors.format_exc_info,
        redact_exception,
        structlog.dev.ConsoleRenderer(colors=False),
    ]


class QuietServeCalls(logging.Filter):
    """Drops uvicorn's access line for successful calls to the serve path."""

    def __init__(self, serve_path: str) -> None:
        super().__init__()
        self._path = serve_path.rstrip("/") or "/"

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn.access: (client, method, path with query, http version, status)
        if not isinstance(args, tuple) or len(args) != 5:
            return True
        path, status = str(args[2]).partition("?")[0], args[4]
        if path.rstrip("/") != self._path:
            return True
        return not (isinstance(status, int) and status < 400)


def configure_logging(settings: Settings) -> None:
    shared = _shared_processors()
    formatter: dict[str, Any] = {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": shared,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderer(settings),
        ],
    }
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"structlog": formatter},
            "handlers": {
                "default": {
                    "class": "logging.StreamHandler",
                    "formatter": "structlog",
                }
            },
            "root": {"handlers": ["default"], "level": settings.LOG_LEVEL},
            "loggers": {
                name: {"handlers": [], "propagate": True}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "inngest")
            },
        }
    )
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    access = logging.getLogger("uvicorn.access")
    for old in [f for f in access.filters if isinstance(f, QuietServeCalls)]:
        access.removeFilter(old)
    if not settings.LOG_INNGEST_ACCESS:
        access.addFilter(QuietServeCalls(settings.INNGEST_SERVE_PATH))
    structlog.configure(
        processors=[
            # First: a line below the level costs nothing more (no context
            # merge, redaction or timestamp for debug lines in production).
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # The chain above is the same whatever the settings (format and level
        # live in the stdlib handler and loggers), so caching is safe even when
        # tests configure logging again.
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
