"""Assess a member's load-change alert from their logged sessions (§2.1-§2.6).

Daily session-RPE loads run from the first logged day (at most 12 weeks back)
to ``today``; days without a session are rest days (0) unless the member
visited the gym that day (unknown, §2.2). Fewer than 28 days of history give
"building baseline": no ratio and every rule at "info" at most. The personal
strain P90 comes from the full weeks before this one, the single-session
spike from the longest session of the same sport in the previous 30 days.
"""

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from .load import (
    ACUTE_DAYS,
    TrainingSession,
    build_daily_loads,
    compute_monotony,
    compute_strain_p90,
)
from .load_alerts import (
    AlertLevel,
    LoadAlert,
    SessionSpike,
    assess_load_alert,
    summarize_load_signals,
)
from .load_completeness import assess_completeness
from .load_explanations import explain_load_alert
from .sport import DISTANCE_SPORTS
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


def find_session_spike(
    workouts: Sequence[WorkoutRecord], today: date
) -> tuple[SessionSpike, str] | None:
    """The largest same-sport distance spike of today's sessions, with the id
    of today's session; sports without distance, or with no earlier session of
    the same sport in the previous 30 days, give none."""
    since = today - timedelta(days=SPIKE_LOOKBACK_DAYS)
    found: list[tuple[float, SessionSpike, str]] = []
    for sport in DISTANCE_SPORTS:
        same = [w for w in workouts if w.distance_m and w.modality is sport]
        todays = [w for w in same if w.local_day == today]
        earlier = [w.distance_m or 0.0 for w in same if since <= w.local_day < today]
        if not todays or not earlier:
            continue
        top = max(todays, key=lambda w: w.distance_m or 0.0)
        spike = SessionSpike(sport, top.distance_m or 0.0, max(earlier))
        if spike.pct is not None:
            found.append((spike.pct, spike, top.workout_id))
    if not found:
        return None
    _, spike, workout_id = max(found, key=lambda item: item[0])
    return spike, workout_id


def find_unknown_days(
    workouts: Sequence[WorkoutRecord], visit_days: Collection[date]
) -> set[date]:
    """Days with a gym visit but no logged session: load unknown, not rest."""
    logged = {w.local_day for w in workouts}
    return {d for d in visit_days if d not in logged}


def assess_member_load(
    workouts: Sequence[WorkoutRecord],
    today: date,
    *,
    visit_days: Collection[date] = (),
) -> LoadAlert:
    """The §2.6 alert for the 7 days ending ``today`` (the member's local date).

    ``visit_days`` are the member's local check-in dates; one without a logged
    session is an unknown day (§2.2), which completeness counts.
    """
    days = [w.local_day for w in workouts if history_start(today) <= w.local_day]
    days = [d for d in days if d <= today]
    if not days:
        return LoadAlert(AlertLevel.NONE, (), summarize_load_signals([]).status)
    sessions = [
        TrainingSession(w.local_day, w.minutes, w.rpe, w.kind.value) for w in workouts
    ]
    unknown = find_unknown_days(workouts, visit_days)
    series = build_daily_loads(sessions, min(days), today, unknown_days=unknown)
    signals = summarize_load_signals(series.loads)
    if not series.is_usable:
        return LoadAlert(AlertLevel.NONE, (), signals.status)
    completeness = assess_completeness(series)
    spike = find_session_spike(workouts, today)
    alert = assess_load_alert(
        signals,
        strain_p90=compute_strain_p90(_previous_week_strains(series.loads)),
        session_spike=None if spike is None else spike[0],
        completeness=completeness,
    )
    week_first = today - timedelta(days=ACUTE_DAYS - 1)
    return explain_load_alert(
        alert,
        signals,
        today=today,
        completeness=completeness,
        week_workouts=[w for w in workouts if week_first <= w.local_day <= today],
        spike=None if spike is None else spike[0],
        spike_workout_id=None if spike is None else spike[1],
    )
