"""Dead letters: runs that failed for good, one row each, IDs and codes only.

No payload values are kept: the event id and name, the function and run ids,
the ids of the resource and members the event was about (UUIDs, or nothing),
an error code and how many attempts were made. `sentry_event_id` links the row to the
one Sentry event reported for the same failure.

`event_data` keeps the triggering event's data so an operator can replay the
run (app/jobs/dead_letter_ops.py): event payloads are IDs only by contract
(the payload allowlist and size guard of `dispatch`), it is erased with the
row (member erasure matches it too) and purged with it after
`RETENTION_DEAD_LETTERS_DAYS`. `resolution` says whether an operator replayed
or discarded the failure (audited in `operator_actions`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


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
    event_data: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        UniqueConstraint("function_id", "run_id", name="uq_dead_letters_run"),
        Index("ix_dead_letters_resource", "resource_id"),
        Index("ix_dead_letters_created", "created_at"),
    )
