"""Injury-risk (load-change) evaluation after a workout (domain-methods §2.6).

Reads the member's last 12 weeks of sessions and gym visits (a visit day
without a logged session is unknown, not rest), applies the §2.6 rules for the
7 days ending on the workout's local date, and stores at most one alert per
member and day. A repeat is a no-op; a higher level the same day escalates the
stored alert. At most one alert per 7 days unless the level escalates.

"info" alerts (baseline still building, withheld for sparse data, detraining)
are stored for the coach dashboard but do not notify coaches; caution and high
alerts do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.alert import Alert, AlertKind
from app.db.models.gym import Member
from app.db.repositories import alert as alert_repo
from app.db.repositories import workout as workout_repo
from app.domain import load_alerts, load_history
from app.domain.load_alerts import AlertLevel, LoadAlert, LoadReason
from app.jobs.events.alerts import InjuryRiskDetected
from app.services import clock, training_log
from app.services.errors import SourceNotFoundError

if TYPE_CHECKING:
    from app.jobs.dispatch import Dispatcher

STORED = (AlertLevel.INFO, AlertLevel.CAUTION, AlertLevel.HIGH)
NOTIFYING = (AlertLevel.CAUTION, AlertLevel.HIGH)
METRIC = "session_rpe_load"


@dataclasses.dataclass(frozen=True)
class InjuryRiskOutcome:
    level: str
    alert_id: uuid.UUID | None = None
    dispatched: bool = False


def _reason(reason: LoadReason) -> dict[str, Any]:
    found: dict[str, Any] = {
        "code": reason.code.value,
        "level": reason.level.value,
        "text": reason.text,
    }
    if reason.workout_ids:
        found["workout_ids"] = list(reason.workout_ids)
    return found


def alert_reasons(alert: LoadAlert) -> list[dict[str, Any]]:
    """Triggered rules, then the notes (baseline, completeness, driver,
    suggestion), then the caveat."""
    reasons = [_reason(r) for r in (*alert.reasons, *alert.notes)]
    return [*reasons, {"code": "caveat", "level": "none", "text": alert.caveat}]


def _rank(level: str) -> int:
    return list(AlertLevel).index(AlertLevel(level))


async def _store(
    session: AsyncSession, member: Member, day: dt.date, alert: LoadAlert
) -> tuple[Alert, bool]:
    """Store today's alert; True when it is new or was escalated."""
    reasons = alert_reasons(alert)
    values: dict[str, Any] = {
        "gym_id": member.gym_id,
        "member_id": member.id,
        "kind": AlertKind.INJURY_RISK.value,
        "rule": "",
        "metric": METRIC,
        "level": alert.level.value,
        "reasons": reasons,
        "alert_on": day,
        "created_at": clock.now(),
    }
    stored, created = await alert_repo.add_alert(session, values)
    if created:
        return stored, True
    if _rank(alert.level.value) <= _rank(stored.level):
        return stored, False
    await alert_repo.escalate(session, stored.id, alert.level.value, reasons)
    return stored, True


async def evaluate_injury_risk(
    session: AsyncSession,
    dispatcher: Dispatcher,
    member_id: uuid.UUID,
    workout_id: uuid.UUID,
) -> InjuryRiskOutcome:
    member = await training_log.require_member(session, member_id)
    workout = await workout_repo.get_workout(session, workout_id)
    if workout is None or workout.member_id != member.id:
        raise SourceNotFoundError()
    today = training_log.local_day(workout.performed_at, workout.tz)
    first = load_history.history_start(today)
    workouts = await training_log.load_workouts(session, member.id, first, today)
    visits = await training_log.load_visit_days(session, member, first, today)
    alert = load_history.assess_member_load(workouts, today, visit_days=visits)
    if alert.level not in STORED:
        return InjuryRiskOutcome(alert.level.value)
    last = await alert_repo.latest_alert_before(
        session, member.id, AlertKind.INJURY_RISK.value, today
    )
    last_sent = None if last is None else (last.alert_on, AlertLevel(last.level))
    if not load_alerts.should_send_load_alert(alert.level, today, last_sent):
        return InjuryRiskOutcome(alert.level.value)
    stored, changed = await _store(session, member, today, alert)
    if changed and alert.level in NOTIFYING:
        level = "high" if alert.level is AlertLevel.HIGH else "caution"
        await dispatcher.dispatch(
            session,
            InjuryRiskDetected(member_id=member.id, alert_id=stored.id, level=level),
        )
    return InjuryRiskOutcome(
        alert.level.value, stored.id, changed and alert.level in NOTIFYING
    )
