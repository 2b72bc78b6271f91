"""dead letters: runs that failed for good (IDs and error codes only), erasure
tombstones (a digest of each erased member's id) and applied social
interactions (a redelivered interaction event is a no-op)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("function_id", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("event_name", sa.String(length=200), nullable=True),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("member_ids", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=16), nullable=False),
        sa.Column("sentry_event_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        sa.UniqueConstraint("function_id", "run_id", name="uq_dead_letters_run"),
    )
    op.create_index("ix_dead_letters_resource", "dead_letters", ["resource_id"])
    op.create_index("ix_dead_letters_created", "dead_letters", ["created_at"])
    op.create_table(
        "applied_interactions",
        sa.Column("interaction_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("recipient_id", sa.String(length=36), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["members.id"],
            name=op.f("fk_applied_interactions_recipient_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "action", name=op.f("pk_applied_interactions")
        ),
    )
    op.create_table(
        "erased_members",
        sa.Column("member_digest", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_digest", name=op.f("pk_erased_members")),
    )


def downgrade() -> None:
    op.drop_table("erased_members")
    op.drop_table("applied_interactions")
    op.drop_index("ix_dead_letters_created", table_name="dead_letters")
    op.drop_index("ix_dead_letters_resource", table_name="dead_letters")
    op.drop_table("dead_letters")
