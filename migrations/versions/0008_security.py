"""security: the shared replay store for Inngest request signatures
(`INNGEST_REPLAY_CACHE=database`), `Idempotency-Key` records, and a provider
user id no longer unique across members (a claimed id is not revealed; a
webhook for an id two members claim goes to neither)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inngest_seen_signatures",
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=220), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("mac", name=op.f("pk_inngest_seen_signatures")),
    )
    op.create_index(
        "ix_inngest_seen_signatures_expires",
        "inngest_seen_signatures",
        ["expires_at"],
    )


    op.create_table(
        "idempotency_keys",
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "principal_id", "key", name=op.f("pk_idempotency_keys")
        ),
    )
    op.create_index(
        "ix_idempotency_keys_created", "idempotency_keys", ["created_at"]
    )
    with op.batch_alter_table("wearable_connections") as batch:
        batch.drop_constraint("uq_wearable_connections_external", type_="unique")
    op.create_index(
        "ix_wearable_connections_external",
        "wearable_connections",
        ["provider", "external_user_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_wearable_connections_external", table_name="wearable_connections"
    )
    with op.batch_alter_table("wearable_connections") as batch:
        batch.create_unique_constraint(
            "uq_wearable_connections_external", ["provider", "external_user_id"]
        )
    op.drop_index("ix_idempotency_keys_created", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(
        "ix_inngest_seen_signatures_expires", table_name="inngest_seen_signatures"
    )
    op.drop_table("inngest_seen_signatures")
