"""Benchmark results (named tests: a 2k row, a 5k run, a named workout)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


class Benchmark(TimestampMixin, Base):
    """A benchmark result: a time in seconds (lower is better) or reps/rounds."""

    __tablename__ = "benchmarks"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    lower_is_better: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (
        Index("ix_benchmarks_member_code", "member_id", "code", "performed_at"),
    )
