"""Alert events: load-change and churn signals, generic thresholds, visits."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from app.jobs.events.base import Code, PlatformEvent

AlertLevelCode = Literal["info", "caution", "high"]


class InjuryRiskDetected(PlatformEvent):
    """A load-change alert was stored (or escalated): tell the member's coaches."""

    name = "platform/alerts.injury-risk-detected"
    member_id: uuid.UUID
    alert_id: uuid.UUID
    level: Literal["caution", "high"]

    def dedupe_key(self) -> str:
        return f"{self.alert_id}:{self.level}"


class ChurnScanRequested(PlatformEvent):
    """Scan one gym's members for churn risk, from `after_member_id` on."""

    name = "platform/alerts.churn-scan-requested"
    resource_field = "gym_id"
    gym_id: uuid.UUID
    scan_on: dt.date
    after_member_id: uuid.UUID | None = None

    def dedupe_key(self) -> str:
        start = self.after_member_id or "start"
        return f"{self.gym_id}:{self.scan_on.isoformat()}:{start}"


class ChurnRiskDetected(PlatformEvent):
    """A churn alert was stored: tell the gym's owners."""

    name = "platform/alerts.churn-risk-detected"
    member_id: uuid.UUID
    alert_id: uuid.UUID
    level: Literal["medium", "high"]

    def dedupe_key(self) -> str:
        return str(self.alert_id)


class ThresholdCrossed(PlatformEvent):
    """A metric crossed a rule's threshold (e.g. low readiness): alert coaches.

    Reusable by any producer: `metric` and `rule` are codes such as
    `readiness` / `readiness_low`. With `observed_on`, a repeat is one event.
    """

    name = "platform/alerts.threshold-crossed"
    member_id: uuid.UUID
    metric: Code
    level: AlertLevelCode
    rule: Code
    observed_on: dt.date | None = None

    def dedupe_key(self) -> str | None:
        if self.observed_on is None:
            return None
        return f"{self.member_id}:{self.rule}:{self.observed_on.isoformat()}"


class CheckInRecorded(PlatformEvent):
    """A member visited the gym: their open churn alerts are resolved."""

    name = "platform/alerts.check-in-recorded"
    member_id: uuid.UUID
    check_in_id: uuid.UUID

    def dedupe_key(self) -> str:
        return str(self.check_in_id)


class ChurnEvaluationRequested(PlatformEvent):
    """A membership change (status, start date, contract, a pause): evaluate
    this member's churn risk now instead of at the next daily scan."""

    name = "platform/alerts.churn-evaluation-requested"
    gym_id: uuid.UUID
    member_id: uuid.UUID
    change_id: uuid.UUID

    def dedupe_key(self) -> str:
        return f"{self.member_id}:{self.change_id}"
