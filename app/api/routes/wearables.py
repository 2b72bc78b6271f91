"""`/api/v1/wearables`: a member's provider connections and readiness.

Tokens are accepted (from the platform's OAuth flow) but never returned.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import ConfigDict, Field, SecretStr

from app.api.deps import PrincipalDep, RuntimeDep, SessionDep
from app.api.schema import ApiSchema
from app.domain.wearables import Provider
from app.services import access, readiness, wearable_connections
from app.services.errors import InvalidRequestError

router = APIRouter(prefix="/api/v1/wearables", tags=["wearables"])


class ConnectionCreate(ApiSchema):
    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    provider: Provider
    external_user_id: str = Field(min_length=1, max_length=128)
    access_token: SecretStr = Field(min_length=1, max_length=4096)
    refresh_token: SecretStr | None = Field(default=None, max_length=4096)


class ConnectionRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    provider: str
    device_kind: str
    status: str
    broken_reason: str | None
    last_synced_at: dt.datetime | None
    created_at: dt.datetime


class ReadinessRead(ApiSchema):
    model_config = ConfigDict(from_attributes=True)

    day: dt.date
    provider: str | None
    score: float | None
    band: str | None
    hrv_state: str
    components: dict[str, Any]
    reasons: list[str]


@router.post("/connections", status_code=201)
async def create_connection(
    body: ConnectionCreate,
    principal: PrincipalDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> ConnectionRead:
    if body.provider not in wearable_connections.CONNECTABLE:
        raise InvalidRequestError("this provider cannot be connected here")
    member = await access.get_reachable_member(session, principal, None)
    refresh = body.refresh_token.get_secret_value() if body.refresh_token else None
    connection = await wearable_connections.connect(
        session,
        runtime.dispatcher,
        member,
        provider=body.provider,
        external_user_id=body.external_user_id,
        access_token=body.access_token.get_secret_value(),
        refresh_token=refresh,
    )
    return ConnectionRead.model_validate(connection)


@router.get("/connections")
async def list_connections(
    principal: PrincipalDep, session: SessionDep
) -> list[ConnectionRead]:
    member = await access.get_reachable_member(session, principal, None)
    rows = await wearable_connections.list_connections(session, member)
    return [ConnectionRead.model_validate(row) for row in rows]


@router.delete("/connections/{connection_id}", status_code=204)
async def delete_connection(
    connection_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> Response:
    member = await access.get_reachable_member(session, principal, None)
    await wearable_connections.disconnect(session, member, connection_id)
    return Response(status_code=204)


@router.get("/readiness")
async def list_readiness(
    principal: PrincipalDep,
    session: SessionDep,
    member_id: uuid.UUID | None = None,
    days: Annotated[int, Query(ge=1, le=60)] = 7,
) -> list[ReadinessRead]:
    """The member's (default: the caller's) readiness of the last `days` days."""
    member = await access.get_reachable_member(session, principal, member_id)
    rows = await readiness.list_recent(session, member, days)
    return [ReadinessRead.model_validate(row) for row in rows]
