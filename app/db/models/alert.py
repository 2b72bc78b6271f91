"""Alerts raised for staff, and the notifications that tell them."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


class AlertKind(enum.StrEnum):
    INJURY_RISK = "injury_risk"
    CHURN_RISK = "churn_risk"
    THRESHOLD = "threshold"


class AlertStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(TimestampMixin, Base):
    """At most one alert per member, kind, rule and day (`alert_on`).

    `rule` is "" for injury and churn alerts and the rule code for threshold
    alerts, so two different thresholds on one day are two alerts.
    """

    __tablename__ = "alerts"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("gyms.id", ondelete="CASCADE"), nullable=False
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    rule: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    metric: Mapped[str | None] = mapped_column(String(64), nullable=True)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    alert_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=AlertStatus.OPEN.value
    )
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(
        PortableUUID(), nullable=True
    )
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    resolved_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        UniqueConstraint(
            "member_id", "kind", "rule", "alert_on", name="uq_alerts_member_kind_day"
        ),
        Index("ix_alerts_gym_created", "gym_id", "created_at", "id"),
    )


class Notification(TimestampMixin, Base):
    """One notification per recipient, alert and kind."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(48), nullable=False)
    alert_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUUID(), ForeignKey("alerts.id", ondelete="CASCADE"), nullable=True
    )
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint(
            "recipient_id", "alert_id", "kind", name="uq_notifications_recipient_alert"
        ),
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
    )
