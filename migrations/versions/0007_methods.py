"""methods (issue 18): a workout's sport and the last send of each social
notification batch key (a member's birth year, for age grading, came with 0006)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
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
    with op.batch_alter_table("notification_batches") as batch:
        batch.add_column(
            sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_batches") as batch:
        batch.drop_column("last_sent_at")
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("sport")
