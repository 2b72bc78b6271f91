"""Load-change alert rules and wording for coaches (domain-methods §2.6).

Alerts describe how load changed ("your load rose sharply"), never a chance of
injury. Ratio rules use the uncoupled weekly ratio: this week's load over the mean
weekly load of the 3 weeks before it.

Baseline gate (§2.2): before 28 days of history every rule is capped at "info"
and its text says the baseline is still building. Completeness (§2.2, §2.6):
too few known days lower the level by one, or withhold the alert (info only);
see ``load_completeness``. Detraining is an "info" alert.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .load import (
    ACUTE_DAYS,
    MIN_HISTORY_DAYS,
    BaselineStatus,
    check_daily_loads,
    compute_acwr,
    compute_monotony,
    compute_session_spike,
    compute_week_over_week_change,
)
from .load_completeness import Completeness, Trust
from .sport import Sport, describe_sport

CAUTION_RATIO = 1.3
HIGH_RATIO = 1.5
DETRAINING_RATIO = 0.8
CHRONIC_FLOOR_AU = 300.0
CAUTION_WEEK_CHANGE_PCT = 30.0
HIGH_WEEK_CHANGE_PCT = 50.0
CAUTION_SPIKE_PCT = 10.0
HIGH_SPIKE_PCT = 30.0
MONOTONY_FLAG = 2.0
ALERT_COOLDOWN_DAYS = 7
CAVEAT = (
    "Load ratios flag rapid change; they do not diagnose or predict a specific injury."
)


class AlertLevel(StrEnum):
    """Alert levels, lowest first."""

    NONE = "none"
    INFO = "info"
    CAUTION = "caution"
    HIGH = "high"


_SEVERITY = {level: rank for rank, level in enumerate(AlertLevel)}


class LoadReasonCode(StrEnum):
    """Which rule produced a reason."""

    WEEKLY_RATIO = "weekly_ratio"
    WEEK_OVER_WEEK = "week_over_week"
    SESSION_SPIKE = "session_spike"
    MONOTONY = "monotony"
    DETRAINING = "detraining"
    # explanation notes (level "none"): §2.6 wording around the signals
    BASELINE = "baseline"
    COMPLETENESS = "completeness"
    DRIVER = "driver"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, slots=True)
class LoadSignals:
    """Weekly figures for the 7 days ending today, in AU."""

    status: BaselineStatus
    weekly_load: float
    previous_week_load: float | None
    chronic_weekly_load: float | None
    weekly_ratio: float | None
    previous_weekly_ratio: float | None
    monotony: float | None
    strain: float | None
    history_days: int = MIN_HISTORY_DAYS


@dataclass(frozen=True, slots=True)
class SessionSpike:
    """Today's longest session of a distance sport vs the longest of the same
    sport in the previous 30 days (metres)."""

    sport: Sport
    distance_m: float
    longest_m: float

    @property
    def pct(self) -> float | None:
        return compute_session_spike(self.distance_m, [self.longest_m])


@dataclass(frozen=True, slots=True)
class LoadReason:
    """One triggered rule, worded for a coach with its numbers."""

    code: LoadReasonCode
    level: AlertLevel
    text: str
    workout_ids: tuple[str, ...] = ()  # the sessions a driver note points to


@dataclass(frozen=True, slots=True)
class LoadAlert:
    """The level after the baseline gate and completeness, every triggered rule,
    the explanation notes (baseline, completeness, driver, suggestion) and the
    caveat. ``rule_level`` is the highest level the rules reached before
    completeness lowered it."""

    level: AlertLevel
    reasons: tuple[LoadReason, ...]
    status: BaselineStatus
    notes: tuple[LoadReason, ...] = ()
    rule_level: AlertLevel = AlertLevel.NONE
    trust: Trust = Trust.FULL
    caveat: str = CAVEAT


def summarize_load_signals(daily_loads: Sequence[float]) -> LoadSignals:
    """Weekly load, last week, uncoupled weekly ratio (now and a week ago), monotony."""
    loads = check_daily_loads(daily_loads)
    now = compute_acwr(loads)
    before = compute_acwr(loads[:-ACUTE_DAYS]) if len(loads) > ACUTE_DAYS else None
    week = compute_monotony(loads[-ACUTE_DAYS:]) if len(loads) >= ACUTE_DAYS else None
    return LoadSignals(
        status=now.status,
        weekly_load=sum(loads[-ACUTE_DAYS:]),
        previous_week_load=sum(loads[-14:-7]) if len(loads) >= 14 else None,
        chronic_weekly_load=None if now.chronic is None else now.chronic * ACUTE_DAYS,
        weekly_ratio=now.ratio,
        previous_weekly_ratio=None if before is None else before.ratio,
        monotony=None if week is None else week.monotony,
        strain=None if week is None else week.strain,
        history_days=len(loads),
    )


def assess_load_alert(
    signals: LoadSignals,
    *,
    strain_p90: float | None = None,
    session_spike: SessionSpike | None = None,
    completeness: Completeness | None = None,
    chronic_floor_au: float = CHRONIC_FLOOR_AU,
) -> LoadAlert:
    """The highest level any §2.6 rule reaches, with one worded reason per rule,
    capped at info while the baseline builds and lowered by completeness.

    ``strain_p90`` is the member's personal 90th percentile of weekly strain;
    ``session_spike`` compares one sport with itself (``load_history``).
    """
    found = (
        _ratio_reason(signals, chronic_floor_au),
        _detraining_reason(signals),
        _week_change_reason(signals),
        _monotony_reason(signals, strain_p90),
        _spike_reason(session_spike),
    )
    reasons = tuple(_gate(r, signals) for r in found if r is not None)
    rule_level = max_level(r.level for r in reasons)
    trust = Trust.FULL if completeness is None else completeness.trust
    level = lower_for_trust(rule_level, trust)
    notes = () if level is AlertLevel.NONE else _baseline_note(signals)
    return LoadAlert(level, reasons, signals.status, notes, rule_level, trust)


def max_level(levels: Iterable[AlertLevel]) -> AlertLevel:
    return max(levels, key=_SEVERITY.__getitem__, default=AlertLevel.NONE)


def lower_for_trust(level: AlertLevel, trust: Trust) -> AlertLevel:
    """Downgraded: one level lower (never below info); withheld: info only."""
    if level is AlertLevel.NONE or trust is Trust.FULL:
        return level
    if trust is Trust.WITHHELD:
        return AlertLevel.INFO
    return list(AlertLevel)[max(_SEVERITY[level] - 1, _SEVERITY[AlertLevel.INFO])]


def _gate(reason: LoadReason, signals: LoadSignals) -> LoadReason:
    if signals.history_days >= MIN_HISTORY_DAYS or reason.level is AlertLevel.INFO:
        return reason
    return LoadReason(reason.code, AlertLevel.INFO, reason.text)


def _baseline_note(signals: LoadSignals) -> tuple[LoadReason, ...]:
    if signals.history_days >= MIN_HISTORY_DAYS:
        return ()
    text = (
        f"Baseline still building ({signals.history_days} of {MIN_HISTORY_DAYS} "
        "days of history): informational only, no caution or high level yet."
    )
    return (LoadReason(LoadReasonCode.BASELINE, AlertLevel.NONE, text),)


def _ratio_reason(signals: LoadSignals, floor: float) -> LoadReason | None:
    ratio, chronic = signals.weekly_ratio, signals.chronic_weekly_load
    if ratio is None or chronic is None or ratio < CAUTION_RATIO:
        return None
    high = ratio >= HIGH_RATIO and chronic >= floor
    text = (
        f"This week's load {signals.weekly_load:,.0f} AU is {ratio:.2f} times the "
        f"previous 3-week average ({chronic:,.0f} AU a week)."
    )
    level = AlertLevel.HIGH if high else AlertLevel.CAUTION
    return LoadReason(LoadReasonCode.WEEKLY_RATIO, level, text)


def _detraining_reason(signals: LoadSignals) -> LoadReason | None:
    now, before = signals.weekly_ratio, signals.previous_weekly_ratio
    if now is None or before is None or max(now, before) >= DETRAINING_RATIO:
        return None
    text = (
        f"Weekly load has stayed below {DETRAINING_RATIO} times the previous 3-week "
        f"average for 2 weeks ({now:.2f} times this week)."
    )
    return LoadReason(LoadReasonCode.DETRAINING, AlertLevel.INFO, text)


def _week_change_reason(signals: LoadSignals) -> LoadReason | None:
    previous = signals.previous_week_load
    if previous is None:
        return None
    change = compute_week_over_week_change(signals.weekly_load, previous)
    if change is None or change < CAUTION_WEEK_CHANGE_PCT:
        return None
    level = AlertLevel.HIGH if change >= HIGH_WEEK_CHANGE_PCT else AlertLevel.CAUTION
    text = (
        f"This week's load {signals.weekly_load:,.0f} AU is {change:.0f} % above last "
        f"week ({previous:,.0f} AU)."
    )
    return LoadReason(LoadReasonCode.WEEK_OVER_WEEK, level, text)


def _monotony_reason(
    signals: LoadSignals, strain_p90: float | None
) -> LoadReason | None:
    monotony, strain = signals.monotony, signals.strain
    if monotony is None or strain is None or strain_p90 is None:
        return None
    if monotony <= MONOTONY_FLAG or strain <= strain_p90:
        return None
    text = (
        f"Training monotony is {monotony:.1f} (above {MONOTONY_FLAG}) and this week's "
        f"strain {strain:,.0f} is above the member's usual 90th percentile."
    )
    return LoadReason(LoadReasonCode.MONOTONY, AlertLevel.CAUTION, text)


def _spike_reason(spike: SessionSpike | None) -> LoadReason | None:
    spike_pct = None if spike is None else spike.pct
    if spike is None or spike_pct is None or spike_pct <= CAUTION_SPIKE_PCT:
        return None
    level = AlertLevel.HIGH if spike_pct > HIGH_SPIKE_PCT else AlertLevel.CAUTION
    noun = describe_sport(spike.sport)
    text = (
        f"Today's {noun} of {spike.distance_m / 1000:.1f} km was {spike_pct:.0f} % "
        f"longer than the longest {noun} in the previous 30 days "
        f"({spike.longest_m / 1000:.1f} km)."
    )
    return LoadReason(LoadReasonCode.SESSION_SPIKE, level, text)


def should_send_load_alert(
    level: AlertLevel,
    today: date,
    last_sent: tuple[date, AlertLevel] | None = None,
) -> bool:
    """At most one load alert per member per 7 days unless the level escalates."""
    if level is AlertLevel.NONE:
        return False
    if last_sent is None:
        return True
    sent_on, sent_level = last_sent
    escalated = _SEVERITY[level] > _SEVERITY[sent_level]
    return escalated or (today - sent_on).days >= ALERT_COOLDOWN_DAYS
