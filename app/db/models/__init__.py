"""ORM models. Every model module must be imported here so that Alembic and
`Base.metadata` see all tables."""

from app.db.models.gym import Gym, Member
from app.db.models.outbox import OutboxEvent, OutboxStatus

__all__ = ["Gym", "Member", "OutboxEvent", "OutboxStatus"]
