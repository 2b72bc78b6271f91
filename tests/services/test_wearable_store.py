"""Normalising fetched readings before they are stored (no database)."""

from __future__ import annotations

import datetime as dt

from app.domain.wearables import (
    DeviceKind,
    Metric,
    Provider,
    Quality,
    RawReading,
    Source,
    Unit,
)
from app.services.wearable_store import normalise

WHOOP = Source(Provider.WHOOP, DeviceKind.STRAP)


def raw(metric: Metric, value: float, unit: Unit, **kw: object) -> RawReading:
    fields: dict[str, object] = {
        "member_id": "m",
        "source": WHOOP,
        "metric": metric,
        "value": value,
        "unit": unit,
        "start": dt.datetime(2026, 3, 28, 22, 30, tzinfo=dt.UTC),
        "end": dt.datetime(2026, 3, 29, 5, 30, tzinfo=dt.UTC),
    }
    fields.update(kw)
    return RawReading(**fields)  # type: ignore[arg-type]


def test_units_days_and_quality() -> None:
    readings, rejected = normalise(
        [
            raw(Metric.SLEEP_DURATION, 25_200_000, Unit.MILLISECOND),
            raw(Metric.RESTING_HR, 300, Unit.BPM),  # implausible: kept, quarantined
        ],
        "Europe/Berlin",
    )
    assert rejected == 0
    sleep, rhr = readings
    assert (sleep.value, sleep.unit) == (25_200.0, Unit.SECOND)
    assert sleep.local_day == dt.date(2026, 3, 29)  # ends 07:30 CEST (DST night)
    assert sleep.utc_offset == dt.timedelta(hours=2)
    assert rhr.quality is Quality.QUARANTINED


def test_apple_sdnn_is_never_taken_for_rmssd_and_bad_records_are_counted() -> None:
    apple = Source(Provider.APPLE_HEALTH, DeviceKind.WATCH)
    readings, rejected = normalise(
        [
            raw(Metric.HRV_RMSSD, 48, Unit.MILLISECOND, source=apple),
            raw(Metric.HRV_SDNN, 48, Unit.MILLISECOND, source=apple),
            raw(Metric.SLEEP_DURATION, 7, Unit.BPM),  # a unit that cannot fit
            raw(Metric.RESTING_HR, 50, Unit.BPM, start=dt.datetime(2026, 3, 29)),
        ],
        "UTC",
    )
    assert rejected == 3
    assert [r.metric for r in readings] == [Metric.HRV_SDNN]


def test_redelivered_record_keeps_the_latest_version() -> None:
    older = raw(
        Metric.RESTING_HR,
        52,
        Unit.BPM,
        updated_at=dt.datetime(2026, 3, 29, 6, tzinfo=dt.UTC),
    )
    newer = raw(
        Metric.RESTING_HR,
        49,
        Unit.BPM,
        updated_at=dt.datetime(2026, 3, 29, 9, tzinfo=dt.UTC),
    )
    readings, _ = normalise([newer, older], "UTC")
    assert [r.value for r in readings] == [49]
