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
    """Each connection record counts once while it is out: a check-in without
    a counted check-out (a connection invalidated or returned after a
    dispose) never moves the gauge below what is really in use."""
    gauge = metrics.db_pool_in_use.labels(name)
    out: set[int] = set()

    def checked_out(_dbapi: Any, record: Any, *_: Any) -> None:
        if id(record) not in out:
            out.add(id(record))
            gauge.inc()

    def checked_in(_dbapi: Any, record: Any, *_: Any) -> None:
        if id(record) in out:
            out.discard(id(record))
            gauge.dec()

    event.listen(engine.sync_engine, "checkout", checked_out)
    event.listen(engine.sync_engine, "checkin", checked_in)
