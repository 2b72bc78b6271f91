"""The services' clock: one place tests can freeze (`monkeypatch` `now`)."""

from __future__ import annotations

import datetime as dt

from app.db.base import utcnow


def now() -> dt.datetime:
    return utcnow()


def utc_today() -> dt.date:
    return now().date()
