"""The shared replay store: Inngest request MACs seen inside the window.

One row per MAC: the target it is bound to (method + `fnId`), the steps it was
used for (`,a,b,`) and when it can go (unix seconds). No request data. Rows
past `expires_at` are deleted by the store itself (app/db/repositories/
seen_signatures.py).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class SeenSignature(Base):
    __tablename__ = "inngest_seen_signatures"
    __table_args__ = (Index("ix_inngest_seen_signatures_expires", "expires_at"),)

    mac: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(220), nullable=False)
    steps: Mapped[str] = mapped_column(Text(), nullable=False)
    expires_at: Mapped[int] = mapped_column(BigInteger(), nullable=False)
