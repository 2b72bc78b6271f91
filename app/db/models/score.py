"""Progress-score history and personal records."""

from __future__ import annotations

import datetime as dt
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime, utcnow


class Score(TimestampMixin, Base):
    """One progress score per member and period (the member's local date).

    Recomputing a period updates the row in place (upsert on the unique key);
    `components` and `reasons` hold the explanation, `config_version` the
    domain config it was computed with.
    """

    __tablename__ = "scores"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    period_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    config_version: Mapped[str] = mapped_column(String(32), nullable=False)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )

    __table_args__ = (
        UniqueConstraint("member_id", "period_on", name="uq_scores_member_period"),
        Index("ix_scores_member_created", "member_id", "created_at", "id"),
    )


class PersonalRecord(TimestampMixin, Base):
    """A stored PR; `notify` is false for a first-ever (baseline) entry."""

    __tablename__ = "personal_records"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    exercise: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    rep_bucket: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    achieved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    previous_best: Mapped[float | None] = mapped_column(Float, nullable=True)
    notify: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (
        UniqueConstraint(
            "member_id",
            "exercise",
            "kind",
            "rep_bucket",
            "source_id",
            name="uq_personal_records_source",
        ),
        Index("ix_personal_records_member_achieved", "member_id", "achieved_at"),
    )
