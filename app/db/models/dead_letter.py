"""Dead letters: runs that failed for good, one row each, IDs and codes only.

No payload values are kept: the event id and name, the function and run ids,
the ids of the resource and members the event was about (UUIDs, or nothing),
an error code and how many attempts were made. `sentry_event_id` links the row to the
one Sentry event reported for the same failure.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin


class DeadLetter(TimestampMixin, Base):
    __tablename__ = "dead_letters"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    function_id: Mapped[str] = mapped_column(String(200), nullable=False)
    run_id: Mapped[str] = mapped_column(String(128), nullable=False)
    event_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    event_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resource_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Every member the event named (comma-separated UUIDs), for erasure.
    member_ids: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error_code: Mapped[str] = mapped_column(String(64), nullable=False)
    attempts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)  # inngest | inline
    recorded_by: Mapped[str] = mapped_column(String(16), nullable=False)
    sentry_event_id: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (
        UniqueConstraint("function_id", "run_id", name="uq_dead_letters_run"),
        Index("ix_dead_letters_resource", "resource_id"),
        Index("ix_dead_letters_created", "created_at"),
    )
