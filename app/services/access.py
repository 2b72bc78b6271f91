"""Who may see or write a member's data.

Members reach only themselves; coaches and owners reach the members of their
own gym. Anything else is "member_not_found" (404), so the existence of other
gyms' members never leaks.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import Principal
from app.db.models.gym import Member
from app.db.repositories import member as member_repo
from app.services.errors import MemberNotFoundError


async def get_reachable_member(
    session: AsyncSession, principal: Principal, member_id: uuid.UUID | None
) -> Member:
    """The member `member_id` (default: the caller) if the caller may reach it."""
    target = member_id or principal.user_id
    if not principal.is_staff and target != principal.user_id:
        raise MemberNotFoundError()
    member = await member_repo.get_member(session, target)
    if member is None or member.gym_id != principal.gym_id:
        raise MemberNotFoundError()
    return member
