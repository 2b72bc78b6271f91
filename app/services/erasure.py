"""Erase a member (GDPR Art. 17): their rows everywhere, and their runs.

`erase_member` runs in the owner's request, for any person (member, coach or
owner): it deletes the member (every member-owned table cascades, provider
connections and their tokens included), every row that is about them (outbox,
dead letters, notifications whose object they are), clears their
acknowledgements of alerts, removes only their part of rows shared with
others (a batch's pending or notified actors, a digest's actors, a dead
letter's members: app/domain/erasure_shares.py), records a tombstone (a
digest of the id, never the id)
and dispatches `MemberErased`. That event cancels the member's in-flight runs
(a `cancel` rule on every member-scoped function) and triggers
`sweep_member`, which removes what runs wrote in between (a late dead
letter, the erasure event's own outbox row).

Provider tokens are deleted, not revoked at the provider: revocation needs
each provider's revoke endpoint, which this service does not call yet.
"""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ConflictError, ForbiddenError
from app.core.logging import get_logger
from app.core.security import Principal, Role
from app.db.repositories import erasure as erasure_repo
from app.db.repositories import member as member_repo
from app.db.repositories import social_notifications as notifications_repo
from app.domain import erasure_shares
from app.jobs.dispatch import Dispatcher
from app.jobs.events.privacy import MemberErased
from app.services.errors import MemberNotFoundError

log = get_logger("app.services.erasure")


class ErasureConflictError(ConflictError):
    code = "erasure_conflict"


@dataclasses.dataclass(frozen=True)
class ErasureReceipt:
    erasure_id: uuid.UUID
    event_id: str
    rows: dict[str, int]


async def erase_member(
    session: AsyncSession,
    dispatcher: Dispatcher,
    principal: Principal,
    member_id: uuid.UUID,
) -> ErasureReceipt:
    if principal.role is not Role.OWNER:
        raise ForbiddenError("owner_only")
    member = await member_repo.get_member(session, member_id)
    if member is None or member.gym_id != principal.gym_id:
        raise MemberNotFoundError()
    rows = await erasure_repo.delete_mentions(session, member_id)
    rows.shared_rows = await remove_shares(session, member_id)
    rows.member = await erasure_repo.delete_member(session, member_id)
    await erasure_repo.add_tombstone(session, member_id)
    erasure_id = uuid.uuid4()
    [event_id] = await dispatcher.dispatch(
        session, MemberErased(member_id=member_id, erasure_id=erasure_id)
    )
    log.info("erasure.member_erased", erasure_id=str(erasure_id), **rows.as_dict())
    return ErasureReceipt(erasure_id, event_id, rows.as_dict())


async def sweep_member(session: AsyncSession, member_id: uuid.UUID) -> dict[str, int]:
    """Second pass after the erasure event: rows written since, by late runs."""
    rows = await erasure_repo.delete_mentions(session, member_id)
    rows.shared_rows = await remove_shares(session, member_id)
    rows.member = await erasure_repo.delete_member(session, member_id)
    return rows.as_dict()


async def remove_shares(session: AsyncSession, member_id: uuid.UUID) -> int:
    """The member's part of batches and digests shared with other actors."""
    actor = str(member_id)
    changed = 0
    for batch in await erasure_repo.list_batches_naming(session, actor):
        share = erasure_shares.batch_without(
            batch.pending_actor_ids, batch.notified_actor_ids, actor
        )
        values: dict[str, object] = {
            "pending_actor_ids": share.pending_actor_ids,
            "notified_actor_ids": share.notified_actor_ids,
        }
        if not share.window_open:
            values["window_closes_at"] = None
        if not await notifications_repo.save_batch(session, batch, values):
            raise ErasureConflictError()  # changed meanwhile: erase again
        changed += 1
    for notification in await erasure_repo.list_notifications_naming(session, actor):
        digest = erasure_shares.digest_without(
            notification.actor_ids, notification.text, actor
        )
        if digest is None:
            await erasure_repo.delete_row(session, notification)
        else:
            notification.lead_actor_id = digest.lead_actor_id
            notification.actor_ids = digest.actor_ids
            notification.other_count = digest.other_count
            notification.text = digest.text
        changed += 1
    await session.flush()
    return changed
