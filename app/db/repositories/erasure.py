"""SQL of a member's erasure: rows that name the member outside its own tables.

The member's own rows go with the `members` row (every member foreign key is
`ON DELETE CASCADE`). What is left is rows that only *mention* the member: in
the outbox (payload, event id or resource id), in dead letters, in alerts (a
coach's or owner's acknowledgement) and in other members' social
notifications and batches (as one actor among others). JSON columns are
searched as text, which works the same on SQLite and PostgreSQL.

Shared rows lose only the member's part (app/domain/erasure_shares.py, applied
by app/services/erasure.py): a batch keeps the other actors' pending
notifications, a digest its other actors, a dead letter its other members.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import Alert
from app.db.models.erasure import ErasedMember, member_digest
from app.db.models.gym import Member
from app.db.models.outbox import OutboxEvent
from app.db.models.social_notification import NotificationBatch, SocialNotification
from app.db.repositories import dead_letter as dead_letter_repo
from app.db.repositories.dialect_insert import insert_for


@dataclasses.dataclass
class ErasedRows:
    member: int = 0
    outbox: int = 0
    dead_letters: int = 0
    social_mentions: int = 0
    acknowledgements: int = 0
    shared_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_member(session: AsyncSession, member_id: uuid.UUID) -> int:
    result = await session.execute(
        delete(Member)
        .where(Member.id == member_id)
        .execution_options(synchronize_session=False)
    )
    return _count(result)


async def delete_outbox_mentions(session: AsyncSession, member_id: str) -> int:
    result = await session.execute(
        delete(OutboxEvent)
        .where(
            or_(
                OutboxEvent.resource_id == member_id,
                OutboxEvent.id.contains(member_id, autoescape=True),
                cast(OutboxEvent.payload, Text).contains(member_id, autoescape=True),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return _count(result)


async def delete_social_mentions(session: AsyncSession, member_id: str) -> int:
    """Batches and notifications *about* the member (the object of a follow)."""
    batches = await session.execute(
        delete(NotificationBatch)
        .where(NotificationBatch.object_id == member_id)
        .execution_options(synchronize_session=False)
    )
    notifications = await session.execute(
        delete(SocialNotification)
        .where(SocialNotification.object_id == member_id)
        .execution_options(synchronize_session=False)
    )
    return _count(batches) + _count(notifications)


async def list_batches_naming(
    session: AsyncSession, member_id: str
) -> list[NotificationBatch]:
    """Batches with the member among their actors (pending or notified)."""
    rows = await session.scalars(
        select(NotificationBatch).where(
            or_(
                cast(NotificationBatch.pending_actor_ids, Text).contains(member_id),
                cast(NotificationBatch.notified_actor_ids, Text).contains(member_id),
            )
        )
    )
    return list(rows)


async def list_notifications_naming(
    session: AsyncSession, member_id: str
) -> list[SocialNotification]:
    rows = await session.scalars(
        select(SocialNotification).where(
            or_(
                SocialNotification.lead_actor_id == member_id,
                cast(SocialNotification.actor_ids, Text).contains(member_id),
            )
        )
    )
    return list(rows)


async def delete_row(session: AsyncSession, row: object) -> None:
    await session.delete(row)


async def clear_acknowledgements(session: AsyncSession, member_id: uuid.UUID) -> int:
    """Alerts the member acknowledged (as coach or owner) stay, without them."""
    result = await session.execute(
        update(Alert)
        .where(Alert.acknowledged_by == member_id)
        .values(acknowledged_by=None)
        .execution_options(synchronize_session=False)
    )
    return _count(result)


async def delete_mentions(session: AsyncSession, member_id: uuid.UUID) -> ErasedRows:
    text = str(member_id)
    return ErasedRows(
        outbox=await delete_outbox_mentions(session, text),
        dead_letters=await dead_letter_repo.delete_mentioning(session, text),
        social_mentions=await delete_social_mentions(session, text),
        acknowledgements=await clear_acknowledgements(session, member_id),
    )


async def add_tombstone(session: AsyncSession, member_id: uuid.UUID) -> None:
    stmt = (
        insert_for(session, ErasedMember)
        .values(member_digest=member_digest(member_id))
        .on_conflict_do_nothing()
    )
    await session.execute(stmt)


async def any_erased(session: AsyncSession, member_ids: Iterable[str]) -> bool:
    digests = [member_digest(m) for m in member_ids]
    if not digests:
        return False
    found = await session.scalar(
        select(ErasedMember.member_digest)
        .where(ErasedMember.member_digest.in_(digests))
        .limit(1)
    )
    return found is not None
