"""scoring and alerts: member profile, workouts, benchmarks, check-ins, scores,
personal records, alerts and notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.String(length=36)
TS = sa.DateTime(timezone=True)


def _member_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("bodyweight_kg", sa.Float(), nullable=True),
        sa.Column("plan_strength_days", sa.Integer(), nullable=True),
        sa.Column("plan_aerobic_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "contract_kind",
            sa.String(length=16),
            nullable=False,
            server_default="month_to_month",
        ),
        sa.Column("renewal_on", sa.Date(), nullable=True),
        sa.Column("churn_suppression", sa.String(length=16), nullable=True),
    ]


def _member_fk(table: str, column: str = "member_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["members.id"],
        name=op.f(f"fk_{table}_{column}_members"),
        ondelete="CASCADE",
    )


def _training_tables() -> None:
    op.create_table(
        "workouts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("performed_at", TS, nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("workouts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workouts")),
    )
    op.create_index(
        "ix_workouts_member_performed", "workouts", ["member_id", "performed_at"]
    )
    op.create_table(
        "workout_sets",
        sa.Column("id", UUID, nullable=False),
        sa.Column("workout_id", UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("is_warmup", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workout_id"],
            ["workouts.id"],
            name=op.f("fk_workout_sets_workout_id_workouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workout_sets")),
    )
    op.create_index(
        "ix_workout_sets_workout_id", "workout_sets", ["workout_id", "position"]
    )
    op.create_table(
        "benchmarks",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("performed_at", TS, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("lower_is_better", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("benchmarks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmarks")),
    )
    op.create_index(
        "ix_benchmarks_member_code",
        "benchmarks",
        ["member_id", "code", "performed_at"],
    )
    op.create_table(
        "check_ins",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("checked_in_at", TS, nullable=False),
        sa.Column("is_class", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("check_ins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
    )
    op.create_index(
        "ix_check_ins_member_checked_in", "check_ins", ["member_id", "checked_in_at"]
    )


def _score_tables() -> None:
    op.create_table(
        "scores",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("config_version", sa.String(length=32), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("scores"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint("member_id", "period_on", name="uq_scores_member_period"),
    )
    op.create_index(
        "ix_scores_member_created", "scores", ["member_id", "created_at", "id"]
    )
    op.create_table(
        "personal_records",
        sa.Column("id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rep_bucket", sa.Integer(), nullable=False),
        sa.Column("source_id", UUID, nullable=False),
        sa.Column("achieved_at", TS, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("previous_best", sa.Float(), nullable=True),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("personal_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_records")),
        sa.UniqueConstraint(
            "member_id",
            "exercise",
            "kind",
            "rep_bucket",
            "source_id",
            name="uq_personal_records_source",
        ),
    )
    op.create_index(
        "ix_personal_records_member_achieved",
        "personal_records",
        ["member_id", "achieved_at"],
    )


def _alert_tables() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("gym_id", UUID, nullable=False),
        sa.Column("member_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("alert_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_by", UUID, nullable=True),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["gym_id"],
            ["gyms.id"],
            name=op.f("fk_alerts_gym_id_gyms"),
            ondelete="CASCADE",
        ),
        _member_fk("alerts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "member_id", "kind", "rule", "alert_on", name="uq_alerts_member_kind_day"
        ),
    )
    op.create_index("ix_alerts_gym_created", "alerts", ["gym_id", "created_at", "id"])
    op.create_table(
        "notifications",
        sa.Column("id", UUID, nullable=False),
        sa.Column("recipient_id", UUID, nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("alert_id", UUID, nullable=True),
        sa.Column("read_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _member_fk("notifications", "recipient_id"),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_notifications_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "recipient_id",
            "alert_id",
            "kind",
            name="uq_notifications_recipient_alert",
        ),
    )
    op.create_index(
        "ix_notifications_recipient_created",
        "notifications",
        ["recipient_id", "created_at"],
    )


def upgrade() -> None:
    for column in _member_columns():
        op.add_column("members", column)
    _training_tables()
    _score_tables()
    _alert_tables()


def downgrade() -> None:
    for table in (
        "notifications",
        "alerts",
        "personal_records",
        "scores",
        "check_ins",
        "benchmarks",
        "workout_sets",
        "workouts",
    ):
        op.drop_table(table)
    with op.batch_alter_table("members") as batch:
        for column in reversed(_member_columns()):
            batch.drop_column(column.name)
