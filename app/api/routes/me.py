"""`GET /api/v1/me`: who the bearer token says the caller is."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.api.deps import PrincipalDep
from app.api.schema import ApiSchema
from app.core.security import Role

router = APIRouter(prefix="/api/v1", tags=["auth"])


class PrincipalRead(ApiSchema):
    user_id: uuid.UUID
    gym_id: uuid.UUID
    role: Role


@router.get("/me")
async def read_me(principal: PrincipalDep) -> PrincipalRead:
    return PrincipalRead(
        user_id=principal.user_id, gym_id=principal.gym_id, role=principal.role
    )
