"""Alert use cases: notify staff, record threshold alerts, acknowledge, resolve."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ForbiddenError
from app.core.security import Principal
from app.db.models.alert import Alert, AlertKind
from app.db.repositories import alert as alert_repo
from app.db.repositories import member as member_repo
from app.services import clock, training_log
from app.services.errors import AlertNotFoundError

COACHES = ("coach",)
OWNERS = ("owner",)


def notification_kind(alert: Alert) -> str:
    """What the notification says, e.g. `injury_risk.high`."""
    return f"{alert.kind}.{alert.level}"


async def notify_staff(
    session: AsyncSession, alert_id: uuid.UUID, roles: Sequence[str]
) -> int:
    """One notification per staff member with `roles` (owners when none)."""
    alert = await alert_repo.get_alert(session, alert_id)
    if alert is None:
        raise AlertNotFoundError()
    recipients = await member_repo.list_staff_ids(session, alert.gym_id, roles)
    if not recipients:
        recipients = await member_repo.list_staff_ids(session, alert.gym_id, OWNERS)
    kind = notification_kind(alert)
    now = clock.now()
    rows = [
        {"recipient_id": r, "kind": kind, "alert_id": alert.id, "created_at": now}
        for r in recipients
    ]
    return await alert_repo.add_notifications(session, rows)


async def record_threshold_alert(
    session: AsyncSession,
    *,
    member_id: uuid.UUID,
    metric: str,
    level: str,
    rule: str,
    day: dt.date,
) -> uuid.UUID:
    """One alert per member, rule and day; a repeat returns the same alert."""
    member = await training_log.require_member(session, member_id)
    text = f"{metric} crossed the {level} threshold of rule {rule}"
    alert, _ = await alert_repo.add_alert(
        session,
        {
            "gym_id": member.gym_id,
            "member_id": member.id,
            "kind": AlertKind.THRESHOLD.value,
            "rule": rule,
            "metric": metric,
            "level": level,
            "reasons": [{"code": rule, "level": level, "text": text}],
            "alert_on": day,
            "created_at": clock.now(),
        },
    )
    return alert.id


async def resolve_churn_alerts(session: AsyncSession, member_id: uuid.UUID) -> int:
    """A visit resolves the member's unresolved churn alerts."""
    await training_log.require_member(session, member_id)
    return await alert_repo.resolve_unresolved(
        session, member_id, AlertKind.CHURN_RISK.value, clock.now()
    )


async def get_gym_alert(
    session: AsyncSession, principal: Principal, alert_id: uuid.UUID
) -> Alert:
    """An alert of the caller's gym (staff only); other gyms' alerts are 404."""
    if not principal.is_staff:
        raise ForbiddenError("staff_only")
    alert = await alert_repo.get_alert(session, alert_id)
    if alert is None or alert.gym_id != principal.gym_id:
        raise AlertNotFoundError()
    return alert


async def acknowledge_alert(
    session: AsyncSession, principal: Principal, alert_id: uuid.UUID
) -> Alert:
    """Open → acknowledged by the caller; repeating it changes nothing."""
    alert = await get_gym_alert(session, principal, alert_id)
    await alert_repo.acknowledge(session, alert.id, principal.user_id, clock.now())
    await session.refresh(alert)
    return alert
