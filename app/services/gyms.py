"""Gyms: platform admins create and update them; owners read and update theirs.

A gym outside the caller's reach is "gym_not_found" (404), whether or not it
exists; a person of the gym without the owner role gets 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ForbiddenError, NotFoundError
from app.core.security import AdminPrincipal, Principal, Role
from app.db.models.gym import Gym
from app.db.repositories import member as member_repo
from app.services import clock

GYM_FIELDS = frozenset({"name", "timezone"})


class GymNotFoundError(NotFoundError):
    code = "gym_not_found"


async def create_gym(session: AsyncSession, *, name: str, timezone: str) -> Gym:
    gym = Gym(id=uuid.uuid4(), name=name, timezone=timezone, created_at=clock.now())
    session.add(gym)
    await session.flush()
    return gym


async def reachable_gym(
    session: AsyncSession,
    caller: Principal | AdminPrincipal,
    gym_id: uuid.UUID,
    *,
    owner_only: bool = True,
) -> Gym:
    """The gym if the caller is a platform admin or (an owner) of it."""
    if isinstance(caller, Principal):
        if caller.gym_id != gym_id:
            raise GymNotFoundError()
        if owner_only and caller.role is not Role.OWNER:
            raise ForbiddenError("owner_only")
    gym = await member_repo.get_gym(session, gym_id)
    if gym is None:
        raise GymNotFoundError()
    return gym


async def update_gym(session: AsyncSession, gym: Gym, changes: dict[str, Any]) -> Gym:
    unknown = set(changes) - GYM_FIELDS
    if unknown:
        raise ValueError(f"not gym fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(gym, field, value)
    if changes:
        gym.updated_at = clock.now()
    await session.flush()
    return gym
