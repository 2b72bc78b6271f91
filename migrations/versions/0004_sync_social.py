"""wearable sync and social: connections, webhook deliveries, readings,
readiness, posts, follows, reactions, comments, timelines, notification
batches, social notifications and reaction rate limits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.String(length=36)
TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=op.f(f"pk_{table}"))


def _wearable_tables() -> None:
    op.create_table(
        "wearable_connections",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("external_user_id", sa.String(length=128), nullable=False),
        sa.Column("device_kind", sa.String(length=16), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("broken_reason", sa.String(length=64), nullable=True),
        sa.Column("last_synced_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("wearable_connections", "member_id", "members"),
        _pk("wearable_connections"),
        sa.UniqueConstraint(
            "member_id", "provider", name="uq_wearable_connections_member"
        ),
        sa.UniqueConstraint(
            "provider", "external_user_id", name="uq_wearable_connections_external"
        ),
    )
    op.create_index(
        "ix_wearable_connections_sync",
        "wearable_connections",
        ["status", "last_synced_at"],
    )
    op.create_table(
        "wearable_webhook_deliveries",
        sa.Column("id", UUID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("connection_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("data_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=128), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("fetch_url", sa.Text(), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("processed_at", TS, nullable=True),
        _fk("wearable_webhook_deliveries", "connection_id", "wearable_connections"),
        _pk("wearable_webhook_deliveries"),
        sa.UniqueConstraint(
            "provider", "dedupe_key", name="uq_wearable_deliveries_key"
        ),
    )
    op.create_index(
        "ix_wearable_deliveries_received",
        "wearable_webhook_deliveries",
        ["received_at"],
    )
    op.create_table(
        "wearable_readings",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("quality", sa.String(length=16), nullable=False),
        sa.Column("device_kind", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("is_main_sleep", sa.Boolean(), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("end_at", TS, nullable=True),
        sa.Column("utc_offset_s", sa.Integer(), nullable=False),
        sa.Column("source_updated_at", TS, nullable=True),
        sa.Column("synced_at", TS, nullable=False),
        _fk("wearable_readings", "member_id", "members"),
        _pk("wearable_readings"),
        sa.UniqueConstraint(
            "member_id",
            "provider",
            "metric",
            "local_day",
            "slot",
            name="uq_wearable_readings_key",
        ),
    )
    op.create_index(
        "ix_wearable_readings_member_day",
        "wearable_readings",
        ["member_id", "metric", "local_day"],
    )
    op.create_table(
        "readiness_scores",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("hrv_state", sa.String(length=16), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        _fk("readiness_scores", "member_id", "members"),
        _pk("readiness_scores"),
        sa.UniqueConstraint("member_id", "day", name="uq_readiness_scores_member_day"),
    )


def _social_tables() -> None:
    op.create_table(
        "posts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("author_id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("workout_id", UUID, nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("posts", "author_id", "members"),
        _pk("posts"),
        sa.UniqueConstraint("source", "external_id", name="uq_posts_source_external"),
    )
    op.create_index(
        "ix_posts_author_created", "posts", ["author_id", "created_at", "id"]
    )
    op.create_table(
        "follows",
        sa.Column("id", UUID, nullable=False),
        sa.Column("follower_id", UUID, nullable=False),
        sa.Column("followee_id", UUID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("follows", "follower_id", "members"),
        _fk("follows", "followee_id", "members"),
        _pk("follows"),
        sa.UniqueConstraint("follower_id", "followee_id", name="uq_follows_pair"),
    )
    op.create_index("ix_follows_followee", "follows", ["followee_id", "follower_id"])
    op.create_table(
        "reactions",
        sa.Column("id", UUID, nullable=False),
        sa.Column("post_id", UUID, nullable=False),
        sa.Column("actor_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("reactions", "post_id", "posts"),
        _fk("reactions", "actor_id", "members"),
        _pk("reactions"),
        sa.UniqueConstraint("post_id", "actor_id", name="uq_reactions_post_actor"),
    )
    op.create_table(
        "comments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("post_id", UUID, nullable=False),
        sa.Column("author_id", UUID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("comments", "post_id", "posts"),
        _fk("comments", "author_id", "members"),
        _pk("comments"),
    )
    op.create_index("ix_comments_post_created", "comments", ["post_id", "created_at"])
    op.create_table(
        "timeline_entries",
        sa.Column("owner_id", UUID, nullable=False),
        sa.Column("post_id", UUID, nullable=False),
        sa.Column("author_id", UUID, nullable=False),
        sa.Column("post_created_at", TS, nullable=False),
        _fk("timeline_entries", "owner_id", "members"),
        _fk("timeline_entries", "post_id", "posts"),
        _pk("timeline_entries", "owner_id", "post_id"),
    )
    op.create_index(
        "ix_timeline_entries_owner_order",
        "timeline_entries",
        ["owner_id", "post_created_at", "post_id"],
    )


def _notification_tables() -> None:
    op.create_table(
        "notification_batches",
        sa.Column("id", UUID, nullable=False),
        sa.Column("recipient_id", UUID, nullable=False),
        sa.Column("verb", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.String(length=36), nullable=False),
        sa.Column("window_closes_at", TS, nullable=True),
        sa.Column("pending_actor_ids", sa.JSON(), nullable=False),
        sa.Column("notified_actor_ids", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("notification_batches", "recipient_id", "members"),
        _pk("notification_batches"),
        sa.UniqueConstraint(
            "recipient_id", "verb", "object_id", name="uq_notification_batches_key"
        ),
    )
    op.create_index(
        "ix_notification_batches_due", "notification_batches", ["window_closes_at"]
    )
    op.create_table(
        "social_notifications",
        sa.Column("id", UUID, nullable=False),
        sa.Column("recipient_id", UUID, nullable=False),
        sa.Column("verb", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.String(length=36), nullable=False),
        sa.Column("lead_actor_id", sa.String(length=36), nullable=False),
        sa.Column("actor_ids", sa.JSON(), nullable=False),
        sa.Column("other_count", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=160), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("read_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("social_notifications", "recipient_id", "members"),
        _pk("social_notifications"),
        sa.UniqueConstraint(
            "recipient_id", "dedupe_key", name="uq_social_notifications_dedupe"
        ),
    )
    op.create_index(
        "ix_social_notifications_recipient",
        "social_notifications",
        ["recipient_id", "created_at", "id"],
    )
    op.create_table(
        "reaction_rate_limits",
        sa.Column("actor_id", UUID, nullable=False),
        sa.Column("minute_tokens", sa.Float(), nullable=False),
        sa.Column("hour_tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("reaction_rate_limits", "actor_id", "members"),
        _pk("reaction_rate_limits", "actor_id"),
    )


TABLES = (
    "reaction_rate_limits",
    "social_notifications",
    "notification_batches",
    "timeline_entries",
    "comments",
    "reactions",
    "follows",
    "posts",
    "readiness_scores",
    "wearable_readings",
    "wearable_webhook_deliveries",
    "wearable_connections",
)


def upgrade() -> None:
    _wearable_tables()
    _social_tables()
    _notification_tables()


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
