"""Wearable provider connections, webhook deliveries, readings and readiness.

Provider tokens live only in `wearable_connections` and are hidden from
`repr`; a real deployment would encrypt them at rest (envelope encryption with
a KMS key), which this service does not do yet.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime, utcnow


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    BROKEN = "broken"  # the provider revoked our access: the member must reconnect


def _member_fk() -> ForeignKey:
    return ForeignKey("members.id", ondelete="CASCADE")


class WearableConnection(TimestampMixin, Base):
    """One member's link to one provider (at most one per provider)."""

    __tablename__ = "wearable_connections"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    external_user_id: Mapped[str] = mapped_column(String(128), nullable=False)
    device_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    access_token: Mapped[str] = mapped_column(Text, nullable=False)
    refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=ConnectionStatus.ACTIVE.value
    )
    broken_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        UniqueConstraint(
            "member_id", "provider", name="uq_wearable_connections_member"
        ),
        # Not unique: the id comes from the client until the provider's OAuth
        # flow supplies it; a claimed id is not revealed, and a webhook for an
        # id two members claim goes to neither (app/db/repositories/wearables.py).
        Index("ix_wearable_connections_external", "provider", "external_user_id"),
        Index("ix_wearable_connections_sync", "status", "last_synced_at"),
    )

    def __repr__(self) -> str:  # never print tokens
        return f"WearableConnection(id={self.id}, provider={self.provider})"


class WebhookDelivery(Base):
    """One notification item, stored once per provider dedupe key.

    `fetch_url` (Garmin ping callback) may carry provider credentials: it is
    never logged or put in an event, and is cleared once processed.
    """

    __tablename__ = "wearable_webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(64), nullable=False)
    connection_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(),
        ForeignKey("wearable_connections.id", ondelete="CASCADE"),
        nullable=False,
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    data_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    fetch_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )
    processed_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        UniqueConstraint("provider", "dedupe_key", name="uq_wearable_deliveries_key"),
        Index("ix_wearable_deliveries_received", "received_at"),
    )


class WearableReading(Base):
    """A normalised reading; unique per (member, provider, metric, day, slot).

    `slot` is "" for a nightly main-sleep metric and the UTC start otherwise
    (the domain's `ReadingKey`), so re-deliveries upsert instead of adding.
    """

    __tablename__ = "wearable_readings"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    metric: Mapped[str] = mapped_column(String(32), nullable=False)
    local_day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    slot: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    quality: Mapped[str] = mapped_column(String(16), nullable=False)
    device_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    device_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    is_main_sleep: Mapped[bool] = mapped_column(Boolean, nullable=False)
    record_id: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    utc_offset_s: Mapped[int] = mapped_column(Integer, nullable=False)
    source_updated_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    synced_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )

    __table_args__ = (
        UniqueConstraint(
            "member_id",
            "provider",
            "metric",
            "local_day",
            "slot",
            name="uq_wearable_readings_key",
        ),
        Index("ix_wearable_readings_member_day", "member_id", "metric", "local_day"),
    )


class ReadinessScore(Base):
    """Our composite readiness for one member and local day (recomputed in place)."""

    __tablename__ = "readiness_scores"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    provider: Mapped[str | None] = mapped_column(String(32), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    hrv_state: Mapped[str] = mapped_column(String(16), nullable=False)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    computed_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )

    __table_args__ = (
        UniqueConstraint("member_id", "day", name="uq_readiness_scores_member_day"),
    )
