"""Erase a member (GDPR Art. 17): their rows everywhere, and their runs.

`erase_member` runs in the owner's request: it deletes the member (every
member-owned table cascades, provider connections and their tokens included),
every row that merely mentions them (outbox, dead letters, other members'
social notifications), records a tombstone (a digest of the id, never the id)
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

from app.core.errors import ForbiddenError
from app.core.logging import get_logger
from app.core.security import Principal, Role
from app.db.repositories import erasure as erasure_repo
from app.db.repositories import member as member_repo
from app.jobs.dispatch import Dispatcher
from app.jobs.events.privacy import MemberErased
from app.services.errors import MemberNotFoundError

log = get_logger("app.services.erasure")


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
    rows.member = await erasure_repo.delete_member(session, member_id)
    return rows.as_dict()
