"""Gym visits (check-ins), the input of the churn scan."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


class CheckIn(TimestampMixin, Base):
    """A visit to the gym (`is_class` for a class or group session)."""

    __tablename__ = "check_ins"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    is_class: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_check_ins_member_checked_in", "member_id", "checked_in_at"),
    )
