"""operations: dead letters keep their event's ids-only data for a replay and
how they were resolved; an audit row per operator action (replay, discard);
heartbeats of the inline cron leader

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dead_letters") as batch:
        batch.add_column(sa.Column("event_data", sa.Text(), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "operator_actions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("function_id", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=128), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_actions")),
        sa.UniqueConstraint(
            "target", "target_id", "action", name="uq_operator_actions_once"
        ),
    )
    op.create_index(
        "ix_operator_actions_created", "operator_actions", ["created_at"]
    )
    op.create_table(
        "operator_heartbeats",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_operator_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("operator_heartbeats")
    op.drop_index("ix_operator_actions_created", table_name="operator_actions")
    op.drop_table("operator_actions")
    with op.batch_alter_table("dead_letters") as batch:
        batch.drop_column("resolved_at")
        batch.drop_column("resolution")
        batch.drop_column("event_data")
