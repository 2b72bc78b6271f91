"""Social notifications: open batches, delivered notifications, reaction limits."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


def _member_fk() -> ForeignKey:
    return ForeignKey("members.id", ondelete="CASCADE")


class NotificationBatch(Base):
    """The batching state of one (recipient, verb, object) key.

    `version` guards concurrent updates (optimistic locking): a writer that
    lost the race fails and is retried by its job.
    """

    __tablename__ = "notification_batches"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    verb: Mapped[str] = mapped_column(String(16), nullable=False)
    object_id: Mapped[str] = mapped_column(String(36), nullable=False)
    window_closes_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    pending_actor_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    # last notification sent for the key (immediate or digest): the 30-minute
    # look-back of the batching rule (§5.2)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    notified_actor_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        UniqueConstraint(
            "recipient_id", "verb", "object_id", name="uq_notification_batches_key"
        ),
        Index("ix_notification_batches_due", "window_closes_at"),
    )


class SocialNotification(TimestampMixin, Base):
    """A delivered in-app notification ("{actor} and 4 others liked your workout").

    `text` keeps `{actor}` for the client to fill with the lead actor's name.
    """

    __tablename__ = "social_notifications"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    verb: Mapped[str] = mapped_column(String(16), nullable=False)
    object_id: Mapped[str] = mapped_column(String(36), nullable=False)
    lead_actor_id: Mapped[str] = mapped_column(String(36), nullable=False)
    actor_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    other_count: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(String(160), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(160), nullable=False)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint(
            "recipient_id", "dedupe_key", name="uq_social_notifications_dedupe"
        ),
        Index("ix_social_notifications_recipient", "recipient_id", "created_at", "id"),
    )


class AppliedInteraction(Base):
    """That one interaction event (a like, comment or follow, or its undo) was
    applied to its batch: a redelivered event is then a no-op, not a second
    notification. Kept with the recipient (erased with them)."""

    __tablename__ = "applied_interactions"

    interaction_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), primary_key=True)
    action: Mapped[str] = mapped_column(String(8), primary_key=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)


class ReactionRateLimit(Base):
    """Token buckets of one actor's reactions (domain `RateState`)."""

    __tablename__ = "reaction_rate_limits"

    actor_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), primary_key=True
    )
    minute_tokens: Mapped[float] = mapped_column(Float, nullable=False)
    hour_tokens: Mapped[float] = mapped_column(Float, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
