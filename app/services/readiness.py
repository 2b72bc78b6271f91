"""Daily readiness from synced readings (domain-methods §3), and its alert.

New readings of day d change the 7-day HRV window of days d..d+6, so those
days (up to the member's today, at most 14) are recomputed and upserted. All
contributors come from one source, the member's preferred HRV provider
(ring > strap > watch > phone), so a baseline never mixes devices or
statistics. A red-band score on the member's today or yesterday raises the
generic threshold alert (`platform/alerts.threshold-crossed`), once per day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.gym import Member
from app.db.models.wearable import ReadinessScore, WearableReading
from app.db.repositories import member as member_repo
from app.db.repositories import readings as readings_repo
from app.domain import readiness as rd
from app.domain.errors import DomainInputError
from app.domain.wearables import (
    DEFAULT_DEVICE_PRIORITY,
    DeviceKind,
    Metric,
    Provider,
    Quality,
    attribute_local_day,
)
from app.jobs.dispatch import Dispatcher
from app.jobs.events.alerts import ThresholdCrossed
from app.services import clock
from app.services.errors import MemberNotFoundError

ALERT_METRIC, ALERT_RULE, ALERT_LEVEL = "readiness", "readiness_low", "caution"
MAX_DAYS = 14
ALERT_RECENT_DAYS = 1  # alert for the member's today and yesterday only
METRICS = (
    Metric.HRV_RMSSD,
    Metric.RESTING_HR,
    Metric.SLEEP_DURATION,
    Metric.TIME_IN_BED,
)


async def recompute_readiness(
    session: AsyncSession,
    dispatcher: Dispatcher,
    member_id: uuid.UUID,
    first_day: dt.date,
    last_day: dt.date,
) -> dict[str, int]:
    member = await member_repo.get_member(session, member_id)
    if member is None:
        raise MemberNotFoundError()
    today, _ = attribute_local_day(clock.now(), member.timezone)
    last = min(last_day + dt.timedelta(days=rd.SHORT_WINDOW_DAYS - 1), today)
    first = max(first_day, last - dt.timedelta(days=MAX_DAYS - 1))
    if first > last:
        return {"computed": 0, "alerts": 0}
    rows = await readings_repo.list_readings(
        session,
        member_id,
        metrics=[m.value for m in METRICS],
        first_day=first - dt.timedelta(days=rd.LONG_WINDOW_DAYS),
        last_day=last,
        quality=Quality.OK.value,
    )
    series = _series(rows, first, last)
    computed = alerts = 0
    day = first
    while day <= last:
        if series.has_data(day):
            result = series.assess(day)
            await readings_repo.upsert_readiness(
                session, _row(member_id, day, series.provider, result)
            )
            computed += 1
            if result[0].is_low and day >= today - dt.timedelta(days=ALERT_RECENT_DAYS):
                await dispatcher.dispatch(session, _alert(member_id, day))
                alerts += 1
        day += dt.timedelta(days=1)
    return {"computed": computed, "alerts": alerts}


async def list_recent(
    session: AsyncSession, member: Member, days: int
) -> list[ReadinessScore]:
    """The member's stored readiness of the last `days` local days, newest first."""
    today, _ = attribute_local_day(clock.now(), member.timezone)
    first = today - dt.timedelta(days=days - 1)
    return await readings_repo.list_readiness(
        session, member.id, first_day=first, last_day=today
    )


class _Series:
    """One provider's nightly values, by metric and day."""

    def __init__(self, provider: str | None, rows: Sequence[WearableReading]) -> None:
        self.provider = provider
        self.nights: dict[str, dict[dt.date, float]] = {m.value: {} for m in METRICS}
        for row in rows:
            if row.provider == provider and row.is_main_sleep:
                self.nights[row.metric][row.local_day] = row.value

    def has_data(self, day: dt.date) -> bool:
        return any(day in values for values in self.nights.values())

    def night_values(self, metric: Metric) -> list[rd.NightValue]:
        return [rd.NightValue(d, v) for d, v in self.nights[metric.value].items()]

    def assess(self, day: dt.date) -> tuple[rd.Readiness, rd.HrvStatus]:
        hrv = rd.assess_hrv(self.night_values(Metric.HRV_RMSSD), day)
        rhr = rd.assess_resting_hr(self.night_values(Metric.RESTING_HR), day)
        return rd.compute_readiness(hrv, rhr, self._sleep(day)), hrv

    def _sleep(self, day: dt.date) -> rd.SleepStatus | None:
        tst = self.nights[Metric.SLEEP_DURATION.value].get(day)
        tib = self.nights[Metric.TIME_IN_BED.value].get(day)
        if tst is None or tib is None:
            return None
        try:
            return rd.assess_sleep(tst, tib)
        except DomainInputError:
            return None


def _series(rows: Sequence[WearableReading], first: dt.date, last: dt.date) -> _Series:
    """Pick the preferred HRV source among recent nights (else any night)."""
    hrv = [r for r in rows if r.metric == Metric.HRV_RMSSD.value and r.is_main_sleep]
    recent = [r for r in hrv if first - dt.timedelta(days=7) <= r.local_day <= last]
    candidates = recent or hrv or [r for r in rows if r.is_main_sleep]
    if not candidates:
        return _Series(None, rows)
    best = min(candidates, key=_source_rank)
    return _Series(best.provider, rows)


def _source_rank(row: WearableReading) -> tuple[int, int]:
    kinds = list(DEFAULT_DEVICE_PRIORITY)
    kind = DeviceKind(row.device_kind)
    return kinds.index(kind), list(Provider).index(Provider(row.provider))


def _row(
    member_id: uuid.UUID,
    day: dt.date,
    provider: str | None,
    result: tuple[rd.Readiness, rd.HrvStatus],
) -> dict[str, Any]:
    readiness, hrv = result
    return {
        "id": uuid.uuid4(),
        "member_id": member_id,
        "day": day,
        "provider": provider,
        "score": readiness.score,
        "band": None if readiness.band is None else readiness.band.value,
        "hrv_state": hrv.state.value,
        "components": {
            "hrv": readiness.hrv_component,
            "rhr": readiness.rhr_component,
            "sleep": readiness.sleep_component,
        },
        "reasons": [reason.value for reason in readiness.reasons],
        "computed_at": clock.now(),
    }


def _alert(member_id: uuid.UUID, day: dt.date) -> ThresholdCrossed:
    return ThresholdCrossed(
        member_id=member_id,
        metric=ALERT_METRIC,
        level=ALERT_LEVEL,
        rule=ALERT_RULE,
        observed_on=day,
    )
