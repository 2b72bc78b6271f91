"""SQL about alerts and the notifications that go with them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import Alert, AlertStatus, Notification
from app.db.repositories.dialect_insert import insert_for
from app.db.repositories.keyset import newest_first


async def add_alert(
    session: AsyncSession, values: dict[str, Any]
) -> tuple[Alert, bool]:
    """Insert unless the member already has this kind/rule of alert that day.

    Returns the stored alert and whether this call created it.
    """
    new_id = uuid.uuid4()
    stmt = insert_for(session, Alert).values(id=new_id, **values)
    await session.execute(stmt.on_conflict_do_nothing())
    alert = await session.scalar(
        select(Alert)
        .where(
            Alert.member_id == values["member_id"],
            Alert.kind == values["kind"],
            Alert.rule == values.get("rule", ""),
            Alert.alert_on == values["alert_on"],
        )
        .execution_options(populate_existing=True)
    )
    assert alert is not None  # noqa: S101 - just written or already there
    return alert, alert.id == new_id


async def add_alerts(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> dict[uuid.UUID, uuid.UUID]:
    """Insert alerts in one statement, skipping any the member already has that
    day (same kind and rule): the member id and new alert id of each one added.
    """
    if not rows:
        return {}
    stmt = (
        insert_for(session, Alert)
        .on_conflict_do_nothing()
        .returning(Alert.member_id, Alert.id)
    )
    added = await session.execute(stmt, [{"id": uuid.uuid4(), **r} for r in rows])
    return dict(added.all())


async def get_alert(session: AsyncSession, alert_id: uuid.UUID) -> Alert | None:
    return await session.get(Alert, alert_id)


async def latest_alert_before(
    session: AsyncSession, member_id: uuid.UUID, kind: str, before: dt.date
) -> Alert | None:
    return await session.scalar(
        select(Alert)
        .where(
            Alert.member_id == member_id, Alert.kind == kind, Alert.alert_on < before
        )
        .order_by(Alert.alert_on.desc())
        .limit(1)
    )


async def latest_alerts_for(
    session: AsyncSession, member_ids: Collection[uuid.UUID], kind: str
) -> dict[uuid.UUID, tuple[dt.date, str]]:
    """Day and level of each member's most recent `kind` alert (one query)."""
    if not member_ids:
        return {}
    newest = (
        select(Alert.member_id, func.max(Alert.alert_on).label("alert_on"))
        .where(Alert.member_id.in_(list(member_ids)), Alert.kind == kind)
        .group_by(Alert.member_id)
        .subquery()
    )
    rows = await session.execute(
        select(Alert.member_id, Alert.alert_on, Alert.level).join(
            newest,
            (Alert.member_id == newest.c.member_id)
            & (Alert.alert_on == newest.c.alert_on)
            & (Alert.kind == kind),
        )
    )
    return {member_id: (day, level) for member_id, day, level in rows}


async def escalate(
    session: AsyncSession, alert_id: uuid.UUID, level: str, reasons: list[Any]
) -> None:
    await session.execute(
        update(Alert)
        .where(Alert.id == alert_id)
        .values(level=level, reasons=reasons, status=AlertStatus.OPEN.value)
        .execution_options(synchronize_session=False)
    )


async def list_alerts(
    session: AsyncSession,
    gym_id: uuid.UUID,
    *,
    status: str | None,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
    kind: str | None = None,
    member_id: uuid.UUID | None = None,
) -> list[Alert]:
    stmt = select(Alert).where(Alert.gym_id == gym_id)
    if status is not None:
        stmt = stmt.where(Alert.status == status)
    if kind is not None:
        stmt = stmt.where(Alert.kind == kind)
    if member_id is not None:
        stmt = stmt.where(Alert.member_id == member_id)
    page = newest_first(stmt, Alert.created_at, Alert.id, after=after, limit=limit)
    return list((await session.scalars(page)).all())


async def acknowledge(
    session: AsyncSession, alert_id: uuid.UUID, by: uuid.UUID, at: dt.datetime
) -> None:
    """Open → acknowledged; acknowledged or resolved alerts stay as they are."""
    await session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.status == AlertStatus.OPEN.value)
        .values(
            status=AlertStatus.ACKNOWLEDGED.value,
            acknowledged_by=by,
            acknowledged_at=at,
        )
        .execution_options(synchronize_session=False)
    )


async def resolve_unresolved(
    session: AsyncSession, member_id: uuid.UUID, kind: str, at: dt.datetime
) -> int:
    result = await session.execute(
        update(Alert)
        .where(
            Alert.member_id == member_id,
            Alert.kind == kind,
            Alert.status != AlertStatus.RESOLVED.value,
        )
        .values(status=AlertStatus.RESOLVED.value, resolved_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def add_notifications(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> int:
    """Insert notifications; one per (recipient, alert, kind) is kept."""
    if rows:
        stmt = insert_for(session, Notification).values(
            [{"id": uuid.uuid4(), **row} for row in rows]
        )
        await session.execute(stmt.on_conflict_do_nothing())
    return len(rows)


async def list_notifications(
    session: AsyncSession,
    recipient_id: uuid.UUID,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[Notification]:
    stmt = select(Notification).where(Notification.recipient_id == recipient_id)
    page = newest_first(
        stmt, Notification.created_at, Notification.id, after=after, limit=limit
    )
    return list((await session.scalars(page)).all())
