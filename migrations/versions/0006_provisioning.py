"""provisioning: people's profile and membership fields, coach assignment,
membership pauses, and the inline scheduler's cron runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gyms") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=120)))
        batch.add_column(
            sa.Column(
                "status", sa.String(length=16), nullable=False, server_default="active"
            )
        )
        batch.add_column(sa.Column("coach_id", sa.String(length=36)))
        batch.add_column(sa.Column("birth_year", sa.Integer()))
        batch.add_column(sa.Column("bodyweight_on", sa.Date()))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True)))
        batch.create_foreign_key(
            op.f("fk_members_coach_id_members"),
            "members",
            ["coach_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_members_gym_coach", "members", ["gym_id", "coach_id", "id"])
    op.create_table(
        "membership_pauses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_membership_pauses_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_pauses")),
    )
    op.create_index(
        "ix_membership_pauses_member", "membership_pauses", ["member_id", "starts_on"]
    )
    op.create_table(
        "cron_runs",
        sa.Column("function_id", sa.String(length=200), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint(
            "function_id", "scheduled_for", name=op.f("pk_cron_runs")
        ),
    )
    op.create_index(
        "ix_cron_runs_started", "cron_runs", ["function_id", "started_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_cron_runs_started", table_name="cron_runs")
    op.drop_table("cron_runs")
    op.drop_index("ix_membership_pauses_member", table_name="membership_pauses")
    op.drop_table("membership_pauses")
    op.drop_index("ix_members_gym_coach", table_name="members")
    with op.batch_alter_table("members") as batch:
        batch.drop_constraint(op.f("fk_members_coach_id_members"), type_="foreignkey")
        for column in (
            "updated_at",
            "bodyweight_on",
            "birth_year",
            "coach_id",
            "status",
            "display_name",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("gyms") as batch:
        batch.drop_column("updated_at")
