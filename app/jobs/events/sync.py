"""Wearable sync events: IDs, codes, days and counts only (never values)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from app.domain.wearables import Provider
from app.jobs.events.base import PlatformEvent

SyncReason = Literal["webhook", "connected", "backfill"]


class WearableDataReceived(PlatformEvent):
    """New data may be waiting at a provider: fetch it for one connection.

    `delivery_id` names the stored webhook delivery (what to fetch); without it
    the sync pulls a day range (first sync after connecting, or a backfill).
    """

    name = "platform/sync.wearable-data-received"

    member_id: uuid.UUID
    connection_id: uuid.UUID
    provider: Provider
    reason: SyncReason
    delivery_id: uuid.UUID | None = None
    requested_on: dt.date | None = None

    def dedupe_key(self) -> str | None:
        if self.delivery_id is not None:
            return f"delivery:{self.delivery_id}"
        if self.reason == "backfill":  # at most one backfill per connection a day
            return f"backfill:{self.connection_id}:{self.requested_on}"
        return None


class ReadingsSynced(PlatformEvent):
    """Readings of `first_day`..`last_day` (member-local) were stored."""

    name = "platform/sync.readings-synced"

    member_id: uuid.UUID
    connection_id: uuid.UUID
    provider: Provider
    first_day: dt.date
    last_day: dt.date
    readings: int
