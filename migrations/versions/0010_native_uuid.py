"""native uuid on PostgreSQL: the UUID columns (PortableUUID in the models)
become `uuid` instead of varchar(36); existing rows are converted in place
(`USING col::uuid`), indexes are rebuilt by PostgreSQL, and the foreign keys
between converted columns are dropped and recreated around the change.
SQLite keeps its 36-character text: nothing to do there.

Only real UUID columns are listed. Ids that are not UUIDs stay text:
outbox_events.id and dead_letters.event_id (event ids such as `name:key`),
run ids, resource_id, member_ids, object_id / lead_actor_id of the social
notification tables (typed `str`), erased_members.member_digest.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence
import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine.interfaces import ReflectedForeignKeyConstraint

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID_COLUMNS: dict[str, tuple[str, ...]] = {
    "gyms": ("id",),
    "members": ("id", "gym_id", "coach_id"),
    "membership_pauses": ("id", "member_id"),
    "operator_actions": ("id",),
    "alerts": ("id", "gym_id", "member_id", "acknowledged_by"),
    "notifications": ("id", "recipient_id", "alert_id"),
    "applied_interactions": ("interaction_id", "recipient_id"),
    "benchmarks": ("id", "member_id", "gym_id"),
    "check_ins": ("id", "member_id", "gym_id"),
    "dead_letters": ("id",),
    "scores": ("id", "member_id", "gym_id"),
    "personal_records": ("id", "member_id", "source_id"),
    "posts": ("id", "author_id", "gym_id", "workout_id"),
    "follows": ("id", "follower_id", "followee_id"),
    "reactions": ("id", "post_id", "actor_id"),
    "comments": ("id", "post_id", "author_id"),
    "timeline_entries": ("owner_id", "post_id", "author_id"),
    "notification_batches": ("id", "recipient_id"),
    "social_notifications": ("id", "recipient_id"),
    "reaction_rate_limits": ("actor_id",),
    "wearable_connections": ("id", "member_id"),
    "wearable_webhook_deliveries": ("id", "connection_id"),
    "wearable_readings": ("id", "member_id"),
    "readiness_scores": ("id", "member_id"),
    "workouts": ("id", "member_id", "gym_id"),
    "workout_sets": ("id", "workout_id"),
}


def _foreign_keys() -> list[tuple[str, ReflectedForeignKeyConstraint]]:
    """Every foreign key from a converted column (found in the database)."""
    inspector = sa.inspect(op.get_bind())
    found = []
    for table, columns in UUID_COLUMNS.items():
        for fk in inspector.get_foreign_keys(table):
            if set(fk["constrained_columns"]) & set(columns):
                found.append((table, fk))
    return found


def _convert(type_sql: str, using: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    fks = _foreign_keys()
    for table, fk in fks:
        assert fk["name"] is not None  # every key is named (NAMING_CONVENTION)
        op.drop_constraint(fk["name"], table, type_="foreignkey")
    for table, columns in UUID_COLUMNS.items():
        changes = ", ".join(
            f'ALTER COLUMN "{c}" TYPE {type_sql} USING "{c}"::{using}' for c in columns
        )
        op.execute(f'ALTER TABLE "{table}" {changes}')
    for table, fk in fks:
        op.create_foreign_key(
            fk["name"],
            table,
            fk["referred_table"],
            fk["constrained_columns"],
            fk["referred_columns"],
            ondelete=fk.get("options", {}).get("ondelete"),
        )


def upgrade() -> None:
    _convert("uuid", "uuid")


def downgrade() -> None:
    _convert("varchar(36)", "text")
