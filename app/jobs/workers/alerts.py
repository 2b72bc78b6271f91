"""Alert workers: load-change evaluation, thresholds, staff notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.events.alerts import (
    CheckInRecorded,
    ChurnRiskDetected,
    InjuryRiskDetected,
    ThresholdCrossed,
)
from app.jobs.events.scoring import ScoreCalculationRequested
from app.jobs.flow_control import one_at_a_time_per
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import alerts, clock, injury_risk

ONE_PER_MEMBER = one_at_a_time_per("member_id")
NOTIFY_RETRIES = 5  # cheap and idempotent: worth more attempts than the default


@REGISTRY.worker(
    fn_id="alerts-evaluate-injury-risk",
    event=ScoreCalculationRequested,
    concurrency=ONE_PER_MEMBER,
)
async def evaluate_injury_risk(
    event: ScoreCalculationRequested, job: JobContext
) -> dict[str, Any]:
    """Runs beside scoring on the same logged-workout event (not after it)."""
    if event.source != "workout":
        return {"skipped": "not_a_workout"}

    async def evaluate(session: AsyncSession) -> dict[str, Any]:
        outcome = await injury_risk.evaluate_injury_risk(
            session, job.runtime.dispatcher, event.member_id, event.source_id
        )
        alert_id = None if outcome.alert_id is None else str(outcome.alert_id)
        return {"level": outcome.level, "alert_id": alert_id}

    return await job.step("evaluate-load", lambda: in_transaction(job, evaluate))


async def _notify(job: JobContext, alert_id: Any, roles: tuple[str, ...]) -> int:
    async def notify(session: AsyncSession) -> int:
        return await alerts.notify_staff(session, alert_id, roles)

    return await job.step("notify-staff", lambda: in_transaction(job, notify))


@REGISTRY.worker(
    fn_id="alerts-notify-coaches-injury-risk",
    event=InjuryRiskDetected,
    retries=NOTIFY_RETRIES,
)
async def notify_coaches_of_injury_risk(
    event: InjuryRiskDetected, job: JobContext
) -> dict[str, int]:
    return {"notified": await _notify(job, event.alert_id, alerts.COACHES)}


@REGISTRY.worker(
    fn_id="alerts-notify-owners-churn-risk",
    event=ChurnRiskDetected,
    retries=NOTIFY_RETRIES,
)
async def notify_owners_of_churn_risk(
    event: ChurnRiskDetected, job: JobContext
) -> dict[str, int]:
    return {"notified": await _notify(job, event.alert_id, alerts.OWNERS)}


@REGISTRY.worker(
    fn_id="alerts-record-threshold",
    event=ThresholdCrossed,
    concurrency=ONE_PER_MEMBER,
)
async def record_threshold_alert(
    event: ThresholdCrossed, job: JobContext
) -> dict[str, Any]:
    day = event.observed_on or dt.date.fromisoformat(
        await job.step("alert-day", clock.utc_today_iso)
    )

    async def record(session: AsyncSession) -> str:
        alert_id = await alerts.record_threshold_alert(
            session,
            member_id=event.member_id,
            metric=event.metric,
            level=event.level,
            rule=event.rule,
            day=day,
        )
        return str(alert_id)

    alert_id = await job.step("record-alert", lambda: in_transaction(job, record))
    return {
        "alert_id": alert_id,
        "notified": await _notify(job, alert_id, alerts.COACHES),
    }


@REGISTRY.worker(fn_id="alerts-resolve-churn-on-visit", event=CheckInRecorded)
async def resolve_churn_on_visit(
    event: CheckInRecorded, job: JobContext
) -> dict[str, int]:
    async def resolve(session: AsyncSession) -> int:
        return await alerts.resolve_churn_alerts(session, event.member_id)

    return {
        "resolved": await job.step(
            "resolve-churn", lambda: in_transaction(job, resolve)
        )
    }
