"""Provider-shaped JSON records for the fake provider (and the tests' stores):
Oura sleep periods, WHOOP sleeps and recoveries, Google Health dailies.

Every night ends at 07:00 UTC on its day (offset +00:00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.integrations.wearables.fake_nights import Night

JSON = dict[str, Any]
WAKE = dt.time(7)


def oura_sleep(
    day: dt.date,
    *,
    hrv: float,
    rhr: float,
    asleep_h: float = 7.5,
    in_bed_h: float = 8.0,
    kind: str = "long_sleep",
) -> JSON:
    """An Oura sleep period that ends at 07:00 UTC on `day`."""
    start, end = _span(day, in_bed_h)
    return {
        "id": oura_sleep_id(day),
        "day": day.isoformat(),
        "type": kind,
        "bedtime_start": start.isoformat(),
        "bedtime_end": end.isoformat(),
        "total_sleep_duration": int(asleep_h * 3600),
        "time_in_bed": int(in_bed_h * 3600),
        "efficiency": round(100 * asleep_h / in_bed_h),
        "average_hrv": hrv,
        "lowest_heart_rate": rhr,
    }


def oura_sleep_id(day: dt.date) -> str:
    return f"oura-sleep-{day.isoformat()}"


def normal_night(day: dt.date) -> JSON:
    """A steady night: HRV 58/62 ms and RHR 50/51 bpm on alternate days."""
    even = day.toordinal() % 2 == 0
    return oura_sleep(day, hrv=62.0 if even else 58.0, rhr=50.0 if even else 51.0)


def bad_night(day: dt.date) -> JSON:
    """Low HRV, high resting HR, short and poor sleep: a red readiness day."""
    return oura_sleep(day, hrv=25.0, rhr=62.0, asleep_h=5.0, in_bed_h=6.5)


def oura_night(night: Night) -> JSON:
    return oura_sleep(
        night.day,
        hrv=night.hrv_ms,
        rhr=night.rhr_bpm,
        asleep_h=night.asleep_h,
        in_bed_h=night.in_bed_h,
    )


def whoop_sleep_id(day: dt.date) -> str:
    return f"whoop-sleep-{day.isoformat()}"


def whoop_sleep(night: Night) -> JSON:
    start, end = _span(night.day, night.in_bed_h)
    in_bed = int(night.in_bed_h * 3_600_000)
    return {
        "id": whoop_sleep_id(night.day),
        "cycle_id": night.day.toordinal(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone_offset": "+00:00",
        "nap": False,
        "score_state": "SCORED",
        "score": {
            "stage_summary": {
                "total_in_bed_time_milli": in_bed,
                "total_awake_time_milli": in_bed - int(night.asleep_h * 3_600_000),
            },
            "sleep_efficiency_percentage": round(
                100 * night.asleep_h / night.in_bed_h, 2
            ),
        },
    }


def whoop_recovery(night: Night) -> JSON:
    return {
        "cycle_id": night.day.toordinal(),
        "sleep_id": whoop_sleep_id(night.day),
        "score_state": "SCORED",
        "score": {
            "resting_heart_rate": night.rhr_bpm,
            "hrv_rmssd_milli": night.hrv_ms,
        },
    }


def google_record(kind: str, night: Night) -> JSON:
    """One Google Health record of `kind` ("sleep", "hrv" or "rhr")."""
    day = night.day.isoformat()
    if kind == "hrv":
        return {"dateTime": day, "value": {"dailyRmssd": night.hrv_ms}}
    if kind == "rhr":
        return {"dateTime": day, "value": night.rhr_bpm}
    start, end = _span(night.day, night.in_bed_h)
    return {
        "logId": night.day.toordinal(),
        "dateOfSleep": day,
        "startTime": start.isoformat(),
        "endTime": end.isoformat(),
        "minutesAsleep": round(night.asleep_h * 60),
        "timeInBed": round(night.in_bed_h * 60),
        "efficiency": round(100 * night.asleep_h / night.in_bed_h),
        "isMainSleep": True,
    }


def _span(day: dt.date, in_bed_h: float) -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime.combine(day, WAKE, tzinfo=dt.UTC)
    return end - dt.timedelta(hours=in_bed_h), end
