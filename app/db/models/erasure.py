"""Erasure tombstones: that a member was erased, without their id.

Only a SHA-256 of the member UUID is kept (a one-way digest of a random id),
so a late run or retry about the erased member can be recognised, and its
failure dropped instead of written back as a dead letter, while the table
holds no usable data about the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UTCDateTime, utcnow


def member_digest(member_id: uuid.UUID | str) -> str:
    return hashlib.sha256(str(uuid.UUID(str(member_id))).encode()).hexdigest()


class ErasedMember(Base):
    __tablename__ = "erased_members"

    member_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )
