"""Operator bookkeeping: an audit row per action, and leader heartbeats.

`OperatorAction`: one row per replay or discard of a dead letter (`target`
"run") or of a dead outbox event (`target` "event"), unique per target and
action, so asking twice does it once. Ids and codes only: the admin's
subject, the new run's id and its outcome.

`OperatorHeartbeat`: the inline cron leader writes one row (its holder, a
host:pid) on each of its cycles, so the operator status can say who leads.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


class ActionOutcome(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    REQUEUED = "requeued"
    DISCARDED = "discarded"


class OperatorAction(TimestampMixin, Base):
    __tablename__ = "operator_actions"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    target: Mapped[str] = mapped_column(String(16), nullable=False)  # run | event
    target_id: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)  # replay | discard
    function_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    run_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        UniqueConstraint(
            "target", "target_id", "action", name="uq_operator_actions_once"
        ),
        Index("ix_operator_actions_created", "created_at"),
    )


class OperatorHeartbeat(Base):
    __tablename__ = "operator_heartbeats"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), nullable=False)
    beat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
