"""What a coach load alert says besides the signals (domain-methods §2.6).

The triggered rules carry "what changed, with the numbers"; this adds the time
frame and data completeness, the likely driver (the sessions that caused it,
with their ids for links) and a suggested, non-prescriptive action. The caveat
is on every alert (``load_alerts.CAVEAT``).
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .load import compute_session_load
from .load_alerts import (
    CAUTION_RATIO,
    AlertLevel,
    LoadAlert,
    LoadReason,
    LoadReasonCode,
    LoadSignals,
    SessionSpike,
)
from .load_completeness import Completeness, Trust, describe_completeness, format_day
from .sport import describe_sport
from .training_log import WorkoutRecord

DRIVER_SESSIONS = 2
_NOTE = AlertLevel.NONE


def explain_load_alert(
    alert: LoadAlert,
    signals: LoadSignals,
    *,
    today: date,
    completeness: Completeness | None,
    week_workouts: Sequence[WorkoutRecord],
    spike: SessionSpike | None = None,
    spike_workout_id: str | None = None,
) -> LoadAlert:
    """The alert with its notes: baseline, completeness, driver, suggestion."""
    if alert.level is AlertLevel.NONE:
        return alert
    notes = [*alert.notes]
    if completeness is not None:
        notes.append(completeness_note(completeness, alert, today))
    driver = driver_note(alert, week_workouts, spike_workout_id)
    if driver is not None:
        notes.append(driver)
    suggestion = suggestion_note(alert, signals, spike)
    if suggestion is not None:
        notes.append(suggestion)
    return replace(alert, notes=tuple(notes))


def completeness_note(
    completeness: Completeness, alert: LoadAlert, today: date
) -> LoadReason:
    """'Week to Wed 18 Mar: 6 of 7 days logged; ...' (time frame and
    completeness) plus why the level was lowered or withheld."""
    text = f"Week to {format_day(today)}: {describe_completeness(completeness)}"
    if alert.trust is Trust.DOWNGRADED and alert.level is not alert.rule_level:
        text += (
            f" Level lowered from {alert.rule_level} to {alert.level}: too few days "
            "are logged to trust the full level."
        )
    elif alert.trust is Trust.WITHHELD and alert.rule_level is not AlertLevel.INFO:
        text += (
            f" Alert withheld (info only, rules reached {alert.rule_level}): too few "
            "days are logged to trust it."
        )
    return LoadReason(LoadReasonCode.COMPLETENESS, _NOTE, text)


def driver_note(
    alert: LoadAlert,
    week_workouts: Sequence[WorkoutRecord],
    spike_workout_id: str | None,
) -> LoadReason | None:
    """The spiking session, or the week's largest sessions by sRPE load."""
    codes = {r.code for r in alert.reasons}
    if codes <= {LoadReasonCode.DETRAINING}:
        return None
    rated = [w for w in week_workouts if w.rpe is not None]
    if LoadReasonCode.SESSION_SPIKE in codes and spike_workout_id is not None:
        picked = [w for w in week_workouts if w.workout_id == spike_workout_id]
    else:
        rated.sort(key=lambda w: w.performed_at, reverse=True)  # ties: latest
        rated.sort(key=_load, reverse=True)
        picked = rated[:DRIVER_SESSIONS]
    if not picked:
        return None
    text = "Likely driver: " + "; ".join(_describe(w) for w in picked) + "."
    ids = tuple(w.workout_id for w in picked)
    return LoadReason(LoadReasonCode.DRIVER, _NOTE, text, ids)


def _load(workout: WorkoutRecord) -> float:
    return (
        0.0
        if workout.rpe is None
        else compute_session_load(workout.rpe, workout.minutes)
    )


def _describe(w: WorkoutRecord) -> str:
    text = f"{format_day(w.local_day)} {describe_sport(w.modality)} {w.minutes:.0f} min"
    if w.distance_m:
        text += f", {w.distance_m / 1000:.1f} km"
    if w.rpe is not None:
        text += f" at RPE {w.rpe:g} ({_load(w):,.0f} AU)"
    return text


def suggestion_note(
    alert: LoadAlert, signals: LoadSignals, spike: SessionSpike | None
) -> LoadReason | None:
    """A non-prescriptive next step matched to the strongest rule."""
    codes = {r.code for r in alert.reasons}
    usual = signals.chronic_weekly_load or signals.previous_week_load
    if LoadReasonCode.SESSION_SPIKE in codes and spike is not None:
        noun = describe_sport(spike.sport)
        text = (
            f"Consider keeping the next {noun}s near {spike.longest_m / 1000:.1f} km "
            "and building distance gradually; check in about soreness."
        )
    elif codes & {LoadReasonCode.WEEKLY_RATIO, LoadReasonCode.WEEK_OVER_WEEK} and usual:
        text = (
            f"Consider keeping next week near {usual * CAUTION_RATIO:,.0f} AU "
            f"(at most {CAUTION_RATIO:g} times the usual {usual:,.0f} AU); check in "
            "about soreness."
        )
    elif LoadReasonCode.MONOTONY in codes:
        text = "Consider varying the week with easier days or a rest day."
    elif LoadReasonCode.DETRAINING in codes:
        text = (
            "Check in about what changed; when training resumes, build back gradually."
        )
    else:
        return None
    return LoadReason(LoadReasonCode.SUGGESTION, _NOTE, text)
