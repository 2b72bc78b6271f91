"""methods (issue 18): a workout's sport, a member's birth year (age grading),
and the last send of each social notification batch key

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(
            sa.Column(
                "sport", sa.String(length=16), nullable=False, server_default="other"
            )
        )
    # Strength sessions are "strength"; earlier aerobic sessions have no known
    # sport ("other") and are never compared by distance.
    op.execute("UPDATE workouts SET sport = 'strength' WHERE kind = 'strength'")
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("notification_batches") as batch:
        batch.add_column(
            sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_batches") as batch:
        batch.drop_column("last_sent_at")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("birth_year")
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("sport")
