"""structlog + stdlib logging, configured once before the app is built.

Our loggers (`get_logger`) and every stdlib logger (uvicorn, sqlalchemy,
inngest, alembic) are rendered by the same processors: console in development,
JSON in production. Ours are rendered by structlog itself and written to the
root logger's stream handlers (app/core/log_sink.py); stdlib records go
through `ProcessorFormatter`. Redaction (app/core/redaction.py) runs right
after the context is merged, so no later processor, handler or Sentry
breadcrumb sees a denylisted value, and once more on the rendered exception
text (the only field added after it).
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

import structlog
from structlog.typing import Processor

from app.core import log_sink
from app.core.config import Settings
from app.core.context import add_actor_fields
from app.core.log_render import render_json, stamp_utc
from app.core.redaction import redact_event_dict, redact_exception

# The event key sits in the Inngest event-API URL path; httpx logs URLs at INFO.
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}


def _shared_processors(
    settings: Settings, add_logger_name: Processor
) -> list[Processor]:
    json_lines = settings.log_format == "json"
    return [
        structlog.contextvars.merge_contextvars,
        add_actor_fields,
        redact_event_dict,
        structlog.stdlib.add_log_level,
        add_logger_name,
        # JSON: a datetime that orjson writes in ISO form (app/core/log_render.py).
        stamp_utc if json_lines else structlog.processors.TimeStamper("iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def _renderer(settings: Settings) -> list[Processor]:
    if settings.log_format == "json":
        # No local variables in tracebacks: they can hold health data.
        transformer = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        return [
            structlog.processors.ExceptionRenderer(transformer),
            redact_exception,
            render_json,
        ]
    return [
        structlog.processors.format_exc_info,
        redact_exception,
        structlog.dev.ConsoleRenderer(colors=False),
    ]


def configure_logging(settings: Settings) -> None:
    renderer = _renderer(settings)
    formatter: dict[str, Any] = {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": _shared_processors(
            settings, structlog.stdlib.add_logger_name
        ),
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *renderer,
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
    # The app writes its own access lines (app/core/access_log.py); uvicorn's
    # would build a record on every call only to have it dropped.
    logging.getLogger("uvicorn.access").disabled = True
    structlog.configure(
        processors=[
            *_shared_processors(settings, log_sink.add_logger_name),
            log_sink.breadcrumb,
            *renderer,
        ],
        logger_factory=log_sink.logger_factory,
        # Lines below the level are dropped before any processor runs.
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(settings.LOG_LEVEL)
        ),
        # Not cached: format and level may change when logging is configured
        # again (tests), and a cached logger would keep the old chain.
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger


def bound_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    """A logger built now, with the configuration now in force: no lazy proxy
    to resolve on every line, and a line below the level costs one call.

    For hot paths that are built after `configure_logging` (the Inngest
    middleware is built with the app); anything else uses `get_logger`."""
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name).bind()
    return logger
