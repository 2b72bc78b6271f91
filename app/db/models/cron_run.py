"""One row per cron tick run inline: claimed once, so a tick runs once.

The inline scheduler inserts `(function_id, scheduled_for)` before it runs a
tick; a second scheduler (a takeover, a restart) that finds the row skips it.
The run-once command records its runs too (`scheduled_for` is the moment it
was asked). Under Inngest, Inngest keeps the schedule and this table is unused
except by the command.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UTCDateTime


class CronOutcome(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class CronRun(Base):
    __tablename__ = "cron_runs"

    function_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    scheduled_for: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (Index("ix_cron_runs_started", "function_id", "started_at"),)
