"""Social graph and feed: posts, follows, reactions, comments, timelines."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, PortableUUID, TimestampMixin, UTCDateTime


def _member_fk() -> ForeignKey:
    return ForeignKey("members.id", ondelete="CASCADE")


def _post_fk() -> ForeignKey:
    return ForeignKey("posts.id", ondelete="CASCADE")


class Post(TimestampMixin, Base):
    """A member's post (e.g. a shared workout). `source` "strava" posts are
    shown to their author only (Strava API agreement)."""

    __tablename__ = "posts"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    author_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    gym_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    workout_id: Mapped[uuid.UUID | None] = mapped_column(PortableUUID(), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        Index("ix_posts_author_created", "author_id", "created_at", "id"),
        UniqueConstraint("source", "external_id", name="uq_posts_source_external"),
    )


class Follow(TimestampMixin, Base):
    __tablename__ = "follows"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    follower_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    followee_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )

    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id", name="uq_follows_pair"),
        Index("ix_follows_followee", "followee_id", "follower_id"),
    )


class Reaction(TimestampMixin, Base):
    """One reaction per (post, actor); changing its kind is an update."""

    __tablename__ = "reactions"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    post_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _post_fk(), nullable=False
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (
        UniqueConstraint("post_id", "actor_id", name="uq_reactions_post_actor"),
    )


class Comment(TimestampMixin, Base):
    __tablename__ = "comments"

    id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), primary_key=True, default=uuid.uuid4
    )
    post_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _post_fk(), nullable=False
    )
    author_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), nullable=False
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index("ix_comments_post_created", "post_id", "created_at"),)


class TimelineEntry(Base):
    """A post id pushed into one member's home timeline (capped at 500)."""

    __tablename__ = "timeline_entries"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _member_fk(), primary_key=True
    )
    post_id: Mapped[uuid.UUID] = mapped_column(
        PortableUUID(), _post_fk(), primary_key=True
    )
    author_id: Mapped[uuid.UUID] = mapped_column(PortableUUID(), nullable=False)
    post_created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (
        Index(
            "ix_timeline_entries_owner_order", "owner_id", "post_created_at", "post_id"
        ),
    )
