"""The services' clock: one place tests can freeze (`monkeypatch` `now`)."""

from __future__ import annotations

import datetime as dt

from app.db.base import utcnow


def now() -> dt.datetime:
    return utcnow()


def utc_today() -> dt.date:
    return now().date()


async def utc_today_iso() -> str:
    """Today's UTC date as text: the body of a worker's memoised date step."""
    return utc_today().isoformat()


async def now_iso() -> str:
    """The time now as ISO text: the body of a worker's memoised clock step."""
    return now().isoformat()
