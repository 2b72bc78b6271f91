"""Coach and owner dashboards: list the gym's alerts, acknowledge one."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter

from app.api.deps import PrincipalDep, SessionDep
from app.api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    next_cursor,
    parse_cursor,
)
from app.api.schema import ApiSchema
from app.core.errors import ForbiddenError
from app.db.models.alert import AlertKind, AlertStatus
from app.db.repositories import alert as alert_repo
from app.services import alerts

router = APIRouter(prefix="/api/v1", tags=["alerts"])


class AlertRead(ApiSchema):
    id: uuid.UUID
    member_id: uuid.UUID
    kind: str
    rule: str
    metric: str | None
    level: str
    score: int | None
    reasons: list[dict[str, Any]]
    alert_on: dt.date
    status: AlertStatus
    acknowledged_by: uuid.UUID | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class AlertPage(ApiSchema):
    items: list[AlertRead]
    next_cursor: str | None


@router.get("/alerts")
async def list_alerts(
    principal: PrincipalDep,
    session: SessionDep,
    status: AlertStatus | None = None,
    kind: AlertKind | None = None,
    member_id: uuid.UUID | None = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> AlertPage:
    """The caller's gym's alerts, newest first (coaches and owners only)."""
    if not principal.is_staff:
        raise ForbiddenError("staff_only")
    rows = await alert_repo.list_alerts(
        session,
        principal.gym_id,
        status=None if status is None else status.value,
        kind=None if kind is None else kind.value,
        member_id=member_id,
        after=parse_cursor(cursor),
        limit=limit,
    )
    last = rows[-1] if rows else None
    return AlertPage(
        items=[AlertRead.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=last
        and next_cursor(last.created_at, last.id, page_len=len(rows), limit=limit),
    )


@router.post("/alerts/{alert_id}/acknowledge")
async def acknowledge_alert(
    alert_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> AlertRead:
    alert = await alerts.acknowledge_alert(session, principal, alert_id)
    return AlertRead.model_validate(alert, from_attributes=True)
