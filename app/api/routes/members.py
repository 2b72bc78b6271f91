"""`DELETE /api/v1/members/{member_id}`: an owner erases a member of their gym."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.api.deps import PrincipalDep, RuntimeDep, SessionDep
from app.api.schema import ApiSchema
from app.services import erasure

router = APIRouter(prefix="/api/v1", tags=["members"])


class ErasureRead(ApiSchema):
    erasure_id: uuid.UUID
    event_id: str
    rows: dict[str, int]


@router.delete("/members/{member_id}", status_code=202)
async def erase_member(
    member_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> ErasureRead:
    """Deleted at once; in-flight runs are cancelled and swept shortly after."""
    receipt = await erasure.erase_member(
        session, runtime.dispatcher, principal, member_id
    )
    return ErasureRead(
        erasure_id=receipt.erasure_id, event_id=receipt.event_id, rows=receipt.rows
    )
