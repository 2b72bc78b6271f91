"""Assess a member's load-change alert from their logged sessions (§2.1-§2.6).

Daily session-RPE loads run from the first logged day (at most 12 weeks back)
to ``today``; days without a session are rest days (0). Fewer than 28 days of
history give "building baseline" and no ratio alerts. The personal strain P90
comes from the full weeks before this one, the single-session spike from the
longest distance session of the previous 30 days.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from .load import (
    ACUTE_DAYS,
    TrainingSession,
    build_daily_loads,
    compute_monotony,
    compute_session_spike,
    compute_strain_p90,
)
from .load_alerts import (
    AlertLevel,
    LoadAlert,
    assess_load_alert,
    summarize_load_signals,
)
from .training_log import WorkoutRecord

HISTORY_DAYS = 84
SPIKE_LOOKBACK_DAYS = 30


def history_start(today: date) -> date:
    """First day whose sessions the assessment reads."""
    return today - timedelta(days=HISTORY_DAYS - 1)


def _previous_week_strains(loads: Sequence[float]) -> list[float]:
    strains = []
    end = len(loads) - ACUTE_DAYS
    while end >= ACUTE_DAYS:
        strain = compute_monotony(loads[end - ACUTE_DAYS : end]).strain
        if strain is not None:
            strains.append(strain)
        end -= ACUTE_DAYS
    return strains


def _spike_pct(workouts: Sequence[WorkoutRecord], today: date) -> float | None:
    todays = [w.distance_m for w in workouts if w.local_day == today and w.distance_m]
    if not todays:
        return None
    since = today - timedelta(days=SPIKE_LOOKBACK_DAYS)
    earlier = [
        w.distance_m for w in workouts if w.distance_m and since <= w.local_day < today
    ]
    return compute_session_spike(max(todays), earlier) if earlier else None


def assess_member_load(workouts: Sequence[WorkoutRecord], today: date) -> LoadAlert:
    """The §2.6 alert for the 7 days ending ``today`` (the member's local date)."""
    days = [w.local_day for w in workouts if history_start(today) <= w.local_day]
    days = [d for d in days if d <= today]
    if not days:
        return LoadAlert(AlertLevel.NONE, (), summarize_load_signals([]).status)
    sessions = [
        TrainingSession(w.local_day, w.minutes, w.rpe, w.kind.value) for w in workouts
    ]
    series = build_daily_loads(sessions, min(days), today)
    signals = summarize_load_signals(series.loads)
    if not series.is_usable:
        return LoadAlert(AlertLevel.NONE, (), signals.status)
    return assess_load_alert(
        signals,
        strain_p90=compute_strain_p90(_previous_week_strains(series.loads)),
        session_spike_pct=_spike_pct(workouts, today),
    )
