"""Gyms and their people (members, coaches and owners), and membership pauses.

A person's id is the `sub` of their token from the platform's identity
service: provisioning stores it as `Member.id`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


class Gym(TimestampMixin, Base):
    __tablename__ = "gyms"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Member(TimestampMixin, Base):
    __tablename__ = "members"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("gyms.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="member")
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Membership: active, trial or cancelled (cancelled members are not scanned).
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="active", server_default="active"
    )
    # The coach this member is assigned to (a coach of the same gym).
    coach_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bodyweight_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    joined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Scoring and churn inputs (all optional; the domain has defaults).
    sex: Mapped[str | None] = mapped_column(String(8), nullable=True)
    bodyweight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    plan_strength_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_aerobic_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contract_kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="month_to_month",
        server_default="month_to_month",
    )
    renewal_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # freeze / injury_note / holiday: never raise churn alerts while set.
    churn_suppression: Mapped[str | None] = mapped_column(String(16), nullable=True)

    __table_args__ = (
        Index("ix_members_gym_id", "gym_id", "id"),
        Index("ix_members_gym_coach", "gym_id", "coach_id", "id"),
    )


class MembershipPause(TimestampMixin, Base):
    """A freeze, holiday or injury period: no churn alerts while it covers a day.

    `ends_on` is inclusive; None means open-ended (until staff end it).
    """

    __tablename__ = "membership_pauses"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index("ix_membership_pauses_member", "member_id", "starts_on"),)
