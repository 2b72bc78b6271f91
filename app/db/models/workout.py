"""Logged training sessions and their sets."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


def _default_sport(context: DefaultExecutionContext) -> str:
    """Strength sessions are "strength"; other kinds "other" (as the domain's
    ``resolve_sport``; the logging service always passes a resolved sport)."""
    params = context.get_current_parameters()  # type: ignore[no-untyped-call]
    kind = params.get("kind")
    return "strength" if kind in (None, "strength") else "other"


class Workout(TimestampMixin, Base):
    """One session; `rpe` x `minutes` is its session-RPE load (AU)."""

    __tablename__ = "workouts"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    tz: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="strength")
    # sport/modality (app.domain.sport.Sport); distance compares within one sport
    sport: Mapped[str] = mapped_column(
        String(16), nullable=False, default=_default_sport, server_default="other"
    )
    minutes: Mapped[float] = mapped_column(Float, nullable=False)
    rpe: Mapped[float | None] = mapped_column(Float, nullable=True)
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_workouts_member_performed", "member_id", "performed_at"),
    )


class WorkoutSet(Base):
    __tablename__ = "workout_sets"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    workout_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), ForeignKey("workouts.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    exercise: Mapped[str] = mapped_column(String(64), nullable=False)
    load_kg: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    reps: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rpe: Mapped[float | None] = mapped_column(Float, nullable=True)
    minutes: Mapped[float | None] = mapped_column(Float, nullable=True)
    is_warmup: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_workout_sets_workout_id", "workout_id", "position"),)
