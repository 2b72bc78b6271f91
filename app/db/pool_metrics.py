"""Connections in use per engine, for `gymjobs_db_pool_connections_in_use`.

Counted on the pool's checkout and checkin events (no query, no scrape-time
work): a gauge child per engine name, moved by one on each event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core import metrics


def track_pool(engine: AsyncEngine, name: str) -> None:
    gauge = metrics.db_pool_in_use.labels(name)

    def checked_out(*_: Any) -> None:
        gauge.inc()

    def checked_in(*_: Any) -> None:
        gauge.dec()

    event.listen(engine.sync_engine, "checkout", checked_out)
    event.listen(engine.sync_engine, "checkin", checked_in)
