"""Alert use cases: staff notifications, thresholds, visits, acknowledgement."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.errors import ForbiddenError
from app.db.models import Alert, Member, Notification
from app.db.repositories import alert as alert_repo
from app.db.session import create_sessionmaker
from app.services import alerts
from app.services.errors import AlertNotFoundError, MemberNotFoundError
from tests.support.gym_builders import NOW, add_gym, add_member, principal_of

pytestmark = pytest.mark.db
TODAY = NOW.date()


async def seed(engine: AsyncEngine, *, coaches: int = 2) -> dict[str, uuid.UUID]:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        other_gym = add_gym(session)
        await session.flush()
        member = add_member(session, gym)
        owner = add_member(session, gym, role="owner")
        staff = [add_member(session, gym, role="coach") for _ in range(coaches)]
        outsider = add_member(session, other_gym, role="coach")
        await session.flush()
        return {
            "member": member.id,
            "owner": owner.id,
            "outsider": outsider.id,
            **{f"coach{i}": c.id for i, c in enumerate(staff)},
        }


async def record(
    engine: AsyncEngine, member_id: uuid.UUID, rule: str = "readiness_low"
) -> uuid.UUID:
    async with create_sessionmaker(engine)() as session, session.begin():
        return await alerts.record_threshold_alert(
            session,
            member_id=member_id,
            metric="readiness",
            level="caution",
            rule=rule,
            day=TODAY,
        )


async def notify(
    engine: AsyncEngine, alert_id: uuid.UUID, roles: tuple[str, ...]
) -> int:
    async with create_sessionmaker(engine)() as session, session.begin():
        return await alerts.notify_staff(session, alert_id, roles)


async def notifications(engine: AsyncEngine) -> list[Notification]:
    async with create_sessionmaker(engine)() as session:
        return list((await session.scalars(select(Notification))).all())


async def test_threshold_alert_is_one_per_member_rule_and_day(
    engine: AsyncEngine,
) -> None:
    ids = await seed(engine)
    first = await record(engine, ids["member"])
    assert await record(engine, ids["member"]) == first
    other_rule = await record(engine, ids["member"], rule="rhr_high")
    assert other_rule != first
    async with create_sessionmaker(engine)() as session:
        alert = await session.get(Alert, first)
    assert alert is not None
    assert (alert.kind, alert.rule, alert.metric, alert.level) == (
        "threshold", "readiness_low", "readiness", "caution",
    )  # fmt: skip


async def test_coaches_are_notified_once_each(engine: AsyncEngine) -> None:
    ids = await seed(engine)
    alert_id = await record(engine, ids["member"])
    await notify(engine, alert_id, alerts.COACHES)
    await notify(engine, alert_id, alerts.COACHES)  # a retry adds nothing
    rows = await notifications(engine)
    assert sorted(r.recipient_id for r in rows) == sorted(
        [ids["coach0"], ids["coach1"]]
    )
    assert {r.kind for r in rows} == {"threshold.caution"}
    assert {r.alert_id for r in rows} == {alert_id}


async def test_a_gym_without_coaches_notifies_its_owners(engine: AsyncEngine) -> None:
    ids = await seed(engine, coaches=0)
    await notify(engine, await record(engine, ids["member"]), alerts.COACHES)
    assert [r.recipient_id for r in await notifications(engine)] == [ids["owner"]]


async def test_unknown_ids_are_not_found(engine: AsyncEngine) -> None:
    await seed(engine)
    with pytest.raises(AlertNotFoundError):
        await notify(engine, uuid.uuid4(), alerts.COACHES)
    with pytest.raises(MemberNotFoundError):
        await record(engine, uuid.uuid4())


async def test_acknowledge_is_staff_only_and_gym_scoped(engine: AsyncEngine) -> None:
    ids = await seed(engine)
    alert_id = await record(engine, ids["member"])
    maker = create_sessionmaker(engine)
    async with maker() as session, session.begin():
        coach = await session.get(Member, ids["coach0"])
        member = await session.get(Member, ids["member"])
        outsider = await session.get(Member, ids["outsider"])
        assert coach
        assert member
        assert outsider
        with pytest.raises(ForbiddenError):
            await alerts.acknowledge_alert(session, principal_of(member), alert_id)
        with pytest.raises(AlertNotFoundError):
            await alerts.acknowledge_alert(session, principal_of(outsider), alert_id)
        acked = await alerts.acknowledge_alert(session, principal_of(coach), alert_id)
        assert (acked.status, acked.acknowledged_by) == ("acknowledged", coach.id)
        first_at = acked.acknowledged_at
        again = await alerts.acknowledge_alert(session, principal_of(coach), alert_id)
        assert again.acknowledged_at == first_at


async def test_a_visit_resolves_open_churn_alerts_only(engine: AsyncEngine) -> None:
    ids = await seed(engine)
    threshold_id = await record(engine, ids["member"])
    async with create_sessionmaker(engine)() as session, session.begin():
        churn, _ = await alert_repo.add_alert(
            session,
            {
                "gym_id": (await session.get(Member, ids["member"])).gym_id,  # type: ignore[union-attr]
                "member_id": ids["member"],
                "kind": "churn_risk",
                "level": "high",
                "reasons": [],
                "alert_on": TODAY,
            },
        )
    for _ in range(2):
        async with create_sessionmaker(engine)() as session, session.begin():
            await alerts.resolve_churn_alerts(session, ids["member"])
    async with create_sessionmaker(engine)() as session:
        resolved = await session.get(Alert, churn.id)
        untouched = await session.get(Alert, threshold_id)
    assert resolved is not None
    assert resolved.status == "resolved"
    assert resolved.resolved_at is not None
    assert untouched is not None
    assert untouched.status == "open"
