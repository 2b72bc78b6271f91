"""The daily churn scan: one event per gym, then keyset batches of members.

A batch loads at most `limit` members as plain columns, totals each one's
visits of the last 12 weeks in the database (one row per member, not one per
visit), scores each with the points model (domain-methods §4.3) and stores, in
one statement, an alert for the ones worth telling the owner about
(medium/high, not suppressed, not re-alerted within 14 days unless the band
worsens). Memory is bounded by the batch, never by the gym or its visits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import AlertKind
from app.db.repositories import alert as alert_repo
from app.db.repositories import check_in as check_in_repo
from app.db.repositories import member as member_repo
from app.domain import churn, churn_explanations
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


def _visit_windows(
    members: list[member_repo.ChurnInputs], scan_on: dt.date
) -> list[check_in_repo.VisitWindows]:
    """Visits read: UTC days scan_on - 84 to scan_on, local days up to scan_on;
    the member-local windows as instants, one set per time zone."""
    since = training_log.start_of_day(scan_on - dt.timedelta(days=VISIT_HISTORY_DAYS))
    until = training_log.start_of_day(scan_on + dt.timedelta(days=1))
    by_zone: dict[str, list[uuid.UUID]] = defaultdict(list)
    for member in members:
        by_zone[member.timezone].append(member.id)
    windows = []
    for tz, member_ids in by_zone.items():
        starts = churn.visit_window_starts(scan_on, tz)
        windows.append(
            check_in_repo.VisitWindows(
                member_ids,
                since=since,
                until=min(until, starts.after_today),
                previous_from=starts.previous_from,
                recent_from=starts.recent_from,
            )
        )
    return windows


def _summary(totals: check_in_repo.VisitTotals | None, tz: str) -> churn.VisitSummary:
    if totals is None:
        return churn.VisitSummary(None, 0, 0, 0)
    last = training_log.local_day(totals.last_at, tz)
    return churn.VisitSummary(last, totals.recent, totals.previous, totals.classes)


async def summarize_member_visits(
    session: AsyncSession, members: list[member_repo.ChurnInputs], scan_on: dt.date
) -> dict[uuid.UUID, churn.VisitSummary]:
    """Each member's visit summary on `scan_on`, totalled in the database."""
    totals = await check_in_repo.sum_visits(session, _visit_windows(members, scan_on))
    return {m.id: _summary(totals.get(m.id), m.timezone) for m in members}


def _features(
    member: member_repo.ChurnInputs,
    summary: churn.VisitSummary,
    scan_on: dt.date,
    paused: set[str],
) -> churn.ChurnFeatures:
    joined = training_log.local_day(
        member.joined_at or member.created_at, member.timezone
    )
    kinds = set(paused)
    if member.churn_suppression:
        kinds.add(member.churn_suppression)
    suppressions = frozenset(churn.Suppression(kind) for kind in kinds)
    return churn.features_from_summary(
        summary,
        scan_on,
        min(joined, scan_on),
        churn.ContractKind(member.contract_kind),
        suppressions=suppressions,
    )


def _risk_if_due(
    member: member_repo.ChurnInputs,
    summary: churn.VisitSummary,
    previous: tuple[dt.date, str] | None,
    scan_on: dt.date,
    paused: set[str],
) -> tuple[churn.ChurnRisk, churn.ChurnFeatures] | None:
    """Score one member: the risk and its inputs when an alert is due."""
    features = _features(member, summary, scan_on, paused)
    risk = churn.score_churn_risk(features)
    sent = None
    if previous is not None:
        sent = (previous[0], churn.ChurnLevel(previous[1]))
    due = churn.should_send_churn_alert(risk, scan_on, sent)
    return (risk, features) if due else None


def _reasons(
    member: member_repo.ChurnInputs,
    risk: churn.ChurnRisk,
    features: churn.ChurnFeatures,
) -> list[dict[str, Any]]:
    """The top 3 drivers with their points, then the §4.4 notes (summary,
    context, play, message)."""
    drivers: list[dict[str, Any]] = [
        {"code": p.factor.value, "points": p.points, "text": p.reason}
        for p in risk.drivers
    ]
    notes = churn_explanations.explain_churn_alert(
        risk, features, renewal_on=member.renewal_on
    )
    return [*drivers, *({"code": n.code, "text": n.text} for n in notes)]


def _alert_values(
    gym_id: uuid.UUID,
    member: member_repo.ChurnInputs,
    due: tuple[churn.ChurnRisk, churn.ChurnFeatures],
    day: dt.date,
) -> dict[str, Any]:
    risk, features = due
    return {
        "gym_id": gym_id,
        "member_id": member.id,
        "kind": AlertKind.CHURN_RISK.value,
        "rule": "",
        "metric": "churn_points",
        "level": risk.level.value,
        "score": risk.score,
        "reasons": _reasons(member, risk, features),
        "alert_on": day,
        "created_at": clock.now(),
    }


def _level(risk: churn.ChurnRisk) -> Literal["medium", "high"]:
    return "high" if risk.level is churn.ChurnLevel.HIGH else "medium"


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
    alerted = await _evaluate(session, dispatcher, gym_id, members, scan_on)
    return BatchResult(len(members), alerted, members[-1].id if members else None)


async def evaluate_member(
    session: AsyncSession,
    dispatcher: Dispatcher,
    gym_id: uuid.UUID,
    member_id: uuid.UUID,
    scan_on: dt.date,
) -> int:
    """One member's churn evaluation now (after a membership change): the
    same rules as the daily scan; 1 when an alert was stored."""
    members = await member_repo.list_member_page(
        session, gym_id, after=None, limit=1, member_id=member_id
    )
    return await _evaluate(session, dispatcher, gym_id, members, scan_on)


async def _evaluate(
    session: AsyncSession,
    dispatcher: Dispatcher,
    gym_id: uuid.UUID,
    members: list[member_repo.ChurnInputs],
    scan_on: dt.date,
) -> int:
    visits = await summarize_member_visits(session, members, scan_on)
    member_ids = [m.id for m in members]
    kind = AlertKind.CHURN_RISK.value
    last = await alert_repo.latest_alerts_for(session, member_ids, kind)
    paused = await member_repo.pauses_on(session, member_ids, scan_on)
    due: dict[uuid.UUID, tuple[churn.ChurnRisk, churn.ChurnFeatures]] = {}
    rows = []
    for member in members:
        found = _risk_if_due(
            member,
            visits[member.id],
            last.get(member.id),
            scan_on,
            paused.get(member.id, set()),
        )
        if found is not None:
            due[member.id] = found
            rows.append(_alert_values(gym_id, member, found, scan_on))
    added = await alert_repo.add_alerts(session, rows)
    events = [
        ChurnRiskDetected(member_id=m, alert_id=added[m], level=_level(risk))
        for m, (risk, _) in due.items()
        if m in added  # else already alerted today (a re-run)
    ]
    await dispatcher.dispatch(session, *events)
    return len(events)
