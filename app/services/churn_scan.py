"""The daily churn scan: one event per gym, then keyset batches of members.

A batch loads at most `limit` members and their last 12 weeks of visits,
scores each with the points model (domain-methods §4.3) and stores an alert
for the ones worth telling the owner about (medium/high, not suppressed, not
re-alerted within 14 days unless the band worsens). Memory is bounded by the
batch, never by the gym.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import Alert, AlertKind
from app.db.models.gym import Member
from app.db.repositories import alert as alert_repo
from app.db.repositories import check_in as check_in_repo
from app.db.repositories import member as member_repo
from app.domain import churn
from app.jobs.events.alerts import ChurnRiskDetected, ChurnScanRequested
from app.services import clock, training_log

if TYPE_CHECKING:
    from app.jobs.dispatch import Dispatcher

VISIT_HISTORY_DAYS = 84


@dataclasses.dataclass(frozen=True)
class Page:
    count: int
    last_id: uuid.UUID | None


@dataclasses.dataclass(frozen=True)
class BatchResult:
    evaluated: int
    alerted: int
    last_member_id: uuid.UUID | None


async def request_gym_scans(
    session: AsyncSession,
    dispatcher: Dispatcher,
    scan_on: dt.date,
    *,
    after: uuid.UUID | None,
    limit: int,
) -> Page:
    """One `churn-scan-requested` event per gym of this page."""
    gym_ids = await member_repo.list_gym_id_page(session, after=after, limit=limit)
    events = [ChurnScanRequested(gym_id=g, scan_on=scan_on) for g in gym_ids]
    await dispatcher.dispatch(session, *events)
    return Page(len(gym_ids), gym_ids[-1] if gym_ids else None)


def _features(
    member: Member, visits: list[churn.CheckIn], scan_on: dt.date
) -> churn.ChurnFeatures:
    joined = training_log.local_day(
        member.joined_at or member.created_at, member.timezone
    )
    suppressions = (
        frozenset({churn.Suppression(member.churn_suppression)})
        if member.churn_suppression
        else frozenset()
    )
    return churn.build_churn_features(
        visits,
        scan_on,
        min(joined, scan_on),
        churn.ContractKind(member.contract_kind),
        suppressions=suppressions,
    )


async def _visits_by_member(
    session: AsyncSession, members: list[Member], scan_on: dt.date
) -> dict[uuid.UUID, list[churn.CheckIn]]:
    tz = {m.id: m.timezone for m in members}
    since = training_log.start_of_day(scan_on - dt.timedelta(days=VISIT_HISTORY_DAYS))
    until = training_log.start_of_day(scan_on + dt.timedelta(days=1))
    found: dict[uuid.UUID, list[churn.CheckIn]] = defaultdict(list)
    for member_id, at, is_class in await check_in_repo.list_visits(
        session, list(tz), since=since, until=until
    ):
        day = training_log.local_day(at, tz[member_id])
        found[member_id].append(churn.CheckIn(day, is_class))
    return found


def _alert_values(
    member: Member, risk: churn.ChurnRisk, day: dt.date
) -> dict[str, Any]:
    return {
        "gym_id": member.gym_id,
        "member_id": member.id,
        "kind": AlertKind.CHURN_RISK.value,
        "rule": "",
        "metric": "churn_points",
        "level": risk.level.value,
        "score": risk.score,
        "reasons": [
            {"code": p.factor.value, "points": p.points, "text": p.reason}
            for p in risk.drivers
        ],
        "alert_on": day,
        "created_at": clock.now(),
    }


async def _alert_if_due(
    session: AsyncSession,
    member: Member,
    visits: list[churn.CheckIn],
    previous: Alert | None,
    scan_on: dt.date,
) -> ChurnRiskDetected | None:
    """Score one member; store an alert when one is due and new."""
    risk = churn.score_churn_risk(_features(member, visits, scan_on))
    sent = None
    if previous is not None:
        sent = (previous.alert_on, churn.ChurnLevel(previous.level))
    if not churn.should_send_churn_alert(risk, scan_on, sent):
        return None
    values = _alert_values(member, risk, scan_on)
    alert, created = await alert_repo.add_alert(session, values)
    if not created:
        return None
    level = "high" if risk.level is churn.ChurnLevel.HIGH else "medium"
    return ChurnRiskDetected(member_id=member.id, alert_id=alert.id, level=level)


async def scan_member_batch(
    session: AsyncSession,
    dispatcher: Dispatcher,
    gym_id: uuid.UUID,
    scan_on: dt.date,
    *,
    after: uuid.UUID | None,
    limit: int,
) -> BatchResult:
    members = await member_repo.list_member_page(
        session, gym_id, after=after, limit=limit
    )
    visits = await _visits_by_member(session, members, scan_on)
    kind = AlertKind.CHURN_RISK.value
    last = await alert_repo.latest_alerts_for(session, [m.id for m in members], kind)
    events = []
    for member in members:
        event = await _alert_if_due(
            session, member, visits[member.id], last.get(member.id), scan_on
        )
        if event is not None:
            events.append(event)
    await dispatcher.dispatch(session, *events)
    last_id = members[-1].id if members else None
    return BatchResult(len(members), len(events), last_id)
