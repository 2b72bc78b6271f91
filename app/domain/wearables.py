"""Normalisation of wearable readings (domain-methods §3.1, §3.6, §6).

Canonical units are seconds for durations, ms for HRV, bpm for heart rate and % for
efficiency. A sleep belongs to the member-local date on which it ends, any other
reading to the date on which it starts. Implausible values are quarantined (kept
and tagged), never dropped. Apple Health HRV is SDNN and is kept apart from rMSSD.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainInputError, require_non_negative


class Provider(StrEnum):
    OURA = "oura"
    WHOOP = "whoop"
    GARMIN = "garmin"
    FITBIT = "fitbit"
    GOOGLE_HEALTH = "google_health"
    APPLE_HEALTH = "apple_health"
    STRAVA = "strava"


class Metric(StrEnum):
    HRV_RMSSD = "hrv_rmssd"
    HRV_SDNN = "hrv_sdnn"  # Apple Health's stored HRV statistic
    RESTING_HR = "resting_hr"
    SLEEP_DURATION = "sleep_duration"  # total sleep time
    TIME_IN_BED = "time_in_bed"
    SLEEP_EFFICIENCY = "sleep_efficiency"


class Unit(StrEnum):
    MILLISECOND = "ms"
    SECOND = "s"
    MINUTE = "min"
    HOUR = "h"
    BPM = "bpm"
    COUNT_PER_MINUTE = "count/min"
    PERCENT = "%"


class DeviceKind(StrEnum):
    """Declared in source-priority order: ring > strap > watch > phone > other."""

    RING = "ring"
    STRAP = "strap"
    WATCH = "watch"
    PHONE = "phone"
    OTHER = "other"


class Quality(StrEnum):
    OK = "ok"
    QUARANTINED = "quarantined"


DEFAULT_DEVICE_PRIORITY = tuple(DeviceKind)
SLEEP_METRICS = frozenset(
    (Metric.SLEEP_DURATION, Metric.TIME_IN_BED, Metric.SLEEP_EFFICIENCY)
)
NIGHTLY_METRICS = SLEEP_METRICS | {Metric.HRV_RMSSD, Metric.RESTING_HR}
PLAUSIBLE_RANGES: Mapping[Metric, tuple[float, float]] = {
    Metric.HRV_RMSSD: (5.0, 250.0),
    Metric.RESTING_HR: (30.0, 120.0),
    Metric.SLEEP_DURATION: (2 * 3600.0, 16 * 3600.0),
    Metric.SLEEP_EFFICIENCY: (40.0, 100.0),
}
_IN_SECONDS = {
    Unit.MILLISECOND: 0.001,
    Unit.SECOND: 1.0,
    Unit.MINUTE: 60.0,
    Unit.HOUR: 3600.0,
}
_IN_MS = {Unit.MILLISECOND: 1.0, Unit.SECOND: 1000.0}
_CONVERSIONS: Mapping[Metric, tuple[Unit, Mapping[Unit, float]]] = {
    Metric.HRV_RMSSD: (Unit.MILLISECOND, _IN_MS),
    Metric.HRV_SDNN: (Unit.MILLISECOND, _IN_MS),
    Metric.RESTING_HR: (Unit.BPM, {Unit.BPM: 1.0, Unit.COUNT_PER_MINUTE: 1.0}),
    Metric.SLEEP_DURATION: (Unit.SECOND, _IN_SECONDS),
    Metric.TIME_IN_BED: (Unit.SECOND, _IN_SECONDS),
    Metric.SLEEP_EFFICIENCY: (Unit.PERCENT, {Unit.PERCENT: 1.0}),
}
_UNIT_ALIASES = {"sec": Unit.SECOND, "hr": Unit.HOUR}  # "hr" is HealthKit's hour
_OFFSET_RE = re.compile(r"([+-])(\d{2}):?([0-5]\d)")
_MAX_OFFSET = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class Source:
    """Provider plus device; a new ``device_id`` starts a new baseline."""

    provider: Provider
    device: DeviceKind
    device_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RawReading:
    """One provider value as fetched; ``utc_offset`` is the per-record offset in
    force when the provider sends one (WHOOP ``timezone_offset``, Apple dates)."""

    member_id: str
    source: Source
    metric: Metric
    value: float
    unit: Unit
    start: datetime
    end: datetime | None = None
    utc_offset: timedelta | None = None
    record_id: str = ""
    is_main_sleep: bool = True
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalizedReading(RawReading):
    """A reading in canonical units with UTC instants, its local day and quality."""

    local_day: date
    quality: Quality


@dataclass(frozen=True, slots=True)
class ReadingKey:
    """Nightly main-sleep metrics are keyed by day; naps and samples by start."""

    member_id: str
    provider: Provider
    metric: Metric
    day: date
    start: datetime | None


def parse_unit(text: str) -> Unit:
    """Map a provider unit attribute (``ms``, ``count/min``, ``min``, ``hr``…)."""
    cleaned = text.strip().lower()
    try:
        return _UNIT_ALIASES.get(cleaned) or Unit(cleaned)
    except ValueError:
        raise DomainInputError(
            "unit must be a known time, heart-rate or % unit"
        ) from None


def convert_to_canonical(
    metric: Metric, value: float, unit: Unit
) -> tuple[float, Unit]:
    """Convert ``value`` to the metric's canonical unit (s, ms, bpm or %)."""
    require_non_negative(value, "value")
    canonical, factors = _CONVERSIONS[metric]
    if unit not in factors:
        raise DomainInputError("unit must fit the metric")
    return value * factors[unit], canonical


def parse_utc_offset(text: str) -> timedelta:
    """Parse ``+hh:mm``, ``-hhmm`` or ``Z`` (WHOOP ``timezone_offset``)."""
    if text.strip().upper() == "Z":
        return timedelta(0)
    match = _OFFSET_RE.fullmatch(text.strip())
    if match is None:
        raise DomainInputError("utc_offset must look like +hh:mm")
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset > _MAX_OFFSET:
        raise DomainInputError("utc_offset must lie within 14 hours")
    return -offset if sign == "-" else offset


def attribute_local_day(
    moment: datetime, tz: str, utc_offset: timedelta | None = None
) -> tuple[date, timedelta]:
    """Local date of ``moment`` and the offset in force: the per-record offset
    when the provider gave one (travel), else the member's IANA zone (DST-aware)."""
    _require_aware(moment, "moment")
    if utc_offset is None:
        local = moment.astimezone(_zone(tz))
    elif abs(utc_offset) > _MAX_OFFSET:
        raise DomainInputError("utc_offset must lie within 14 hours")
    else:
        local = moment.astimezone(timezone(utc_offset))
    return local.date(), local.utcoffset() or timedelta(0)


def compute_local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local calendar day: 23 h or 25 h across DST changes."""
    zone = _zone(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def assess_plausibility(
    metric: Metric, value: float, is_main_sleep: bool = True
) -> Quality:
    """Quarantine values outside rMSSD 5-250 ms, RHR 30-120 bpm, sleep 2-16 h or
    efficiency 40-100 % (canonical units); a nap needs only 0 < length <= 16 h."""
    low, high = PLAUSIBLE_RANGES.get(metric, (-math.inf, math.inf))
    if metric is Metric.SLEEP_DURATION and not is_main_sleep:
        plausible = 0.0 < value <= high
    else:
        plausible = low <= value <= high
    return Quality.OK if plausible else Quality.QUARANTINED


def normalize_reading(raw: RawReading, tz: str) -> NormalizedReading:
    """Validate, convert units, attribute the local day and tag plausibility."""
    if not raw.member_id:
        raise DomainInputError("member_id must not be empty")
    if raw.source.provider is Provider.APPLE_HEALTH and raw.metric is Metric.HRV_RMSSD:
        raise DomainInputError("Apple Health HRV is SDNN: use metric hrv_sdnn")
    start = _require_aware(raw.start, "start").astimezone(UTC)
    end = None if raw.end is None else _require_aware(raw.end, "end").astimezone(UTC)
    if raw.updated_at is not None:
        _require_aware(raw.updated_at, "updated_at")
    if end is not None and end < start:
        raise DomainInputError("end must not precede start")
    value, unit = convert_to_canonical(raw.metric, raw.value, raw.unit)
    anchor = end if end is not None and raw.metric in SLEEP_METRICS else start
    local_day, offset = attribute_local_day(anchor, tz, raw.utc_offset)
    return NormalizedReading(
        member_id=raw.member_id,
        source=raw.source,
        metric=raw.metric,
        value=value,
        unit=unit,
        start=start,
        end=end,
        utc_offset=offset,
        record_id=raw.record_id,
        is_main_sleep=raw.is_main_sleep,
        updated_at=raw.updated_at,
        local_day=local_day,
        quality=assess_plausibility(raw.metric, value, raw.is_main_sleep),
    )


def compute_reading_key(reading: NormalizedReading) -> ReadingKey:
    """De-duplication key (member, provider, metric, local day[, start])."""
    per_night = reading.metric in NIGHTLY_METRICS and reading.is_main_sleep
    start = None if per_night else reading.start
    return ReadingKey(
        reading.member_id,
        reading.source.provider,
        reading.metric,
        reading.local_day,
        start,
    )


def deduplicate_readings(
    readings: Iterable[NormalizedReading],
) -> tuple[NormalizedReading, ...]:
    """One reading per key: the latest ``updated_at`` wins, ties go to the later
    one (re-deliveries and update events resend a record: upsert, keep latest)."""
    winners: dict[ReadingKey, NormalizedReading] = {}
    for reading in readings:
        key = compute_reading_key(reading)
        current = winners.get(key)
        if current is None or _version(reading) >= _version(current):
            winners[key] = reading
    return tuple(winners.values())


def choose_preferred_readings(
    readings: Iterable[NormalizedReading],
    priority: Sequence[DeviceKind] = DEFAULT_DEVICE_PRIORITY,
) -> tuple[NormalizedReading, ...]:
    """Per (member, metric, local day) keep the readings of one source only: best
    device kind, then provider declaration order, then device id. Quarantined
    readings never win."""
    usable = [r for r in readings if r.quality is Quality.OK]
    best: dict[tuple[str, Metric, date], tuple[int, int, str]] = {}
    for reading in usable:
        slot = (reading.member_id, reading.metric, reading.local_day)
        rank = _source_rank(reading.source, priority)
        best[slot] = min(best.get(slot, rank), rank)
    return tuple(
        r
        for r in usable
        if _source_rank(r.source, priority)
        == best[(r.member_id, r.metric, r.local_day)]
    )


def is_rmssd_baseline_eligible(reading: NormalizedReading) -> bool:
    """Only plausible main-sleep rMSSD feeds an HRV baseline (never Apple SDNN).
    Keep one baseline per (member, source, metric), so a new device recalibrates."""
    return (
        reading.metric is Metric.HRV_RMSSD
        and reading.source.provider is not Provider.APPLE_HEALTH
        and reading.quality is Quality.OK
        and reading.is_main_sleep
    )


def is_scored(score_state: str) -> bool:
    """WHOOP ``score_state``: use only ``SCORED``; ``PENDING_SCORE`` and
    ``UNSCORABLE`` records wait for the later ``*.updated`` event."""
    return score_state == "SCORED"


def _source_rank(
    source: Source, priority: Sequence[DeviceKind]
) -> tuple[int, int, str]:
    kinds = list(priority)
    device_rank = kinds.index(source.device) if source.device in kinds else len(kinds)
    return device_rank, list(Provider).index(source.provider), source.device_id


def _version(reading: NormalizedReading) -> datetime:
    return reading.updated_at or datetime.min.replace(tzinfo=UTC)


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainInputError(f"{name} must be timezone-aware")
    return moment


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainInputError("tz must be an IANA time-zone name") from exc
