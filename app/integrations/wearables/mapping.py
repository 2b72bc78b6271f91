"""Shared helpers that turn validated provider records into `RawReading`s.

A night's HRV and resting HR are anchored at wake time (start = end = the
sleep's end), so they land on the same member-local day as that night's sleep
(the domain puts sleeps on the day they end). Date-only daily values are
anchored at 12:00 UTC with offset 0, so their local day is exactly that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from app.domain.wearables import Metric, Provider, RawReading, Source, Unit
from app.integrations.wearables.base import ConnectionRef, ProviderResponseError

M = TypeVar("M", bound=BaseModel)
NIGHT_METRICS = frozenset({Metric.HRV_RMSSD, Metric.RESTING_HR})


class Record(BaseModel):
    """Base of provider record models: unknown fields ignored, inputs hidden."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)


def validate_each(model: type[M], items: Iterable[Any]) -> tuple[list[M], int]:
    """Validate records one by one: the valid ones, and how many failed."""
    valid: list[M] = []
    rejected = 0
    for item in items:
        try:
            valid.append(model.model_validate(item))
        except ValidationError:
            rejected += 1
    return valid, rejected


def list_field(payload: Any, key: str) -> list[Any]:
    """`payload[key]` when it is a list, else the response is unusable."""
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, list):
        raise ProviderResponseError()
    return value


def night_readings(
    conn: ConnectionRef,
    provider: Provider,
    *,
    record_id: str,
    start: dt.datetime,
    end: dt.datetime,
    is_main_sleep: bool,
    values: Mapping[Metric, tuple[float | None, Unit]],
    updated_at: dt.datetime | None = None,
) -> list[RawReading]:
    """One reading per present value of one night (sleep metrics span the
    night; HRV and RHR are anchored at wake time)."""
    source = Source(provider, conn.device_kind)
    readings = []
    for metric, (value, unit) in values.items():
        if value is None:
            continue
        anchored = metric in NIGHT_METRICS
        readings.append(
            RawReading(
                member_id=conn.member_id,
                source=source,
                metric=metric,
                value=float(value),
                unit=unit,
                start=end if anchored else start,
                end=None if anchored else end,
                utc_offset=end.utcoffset(),
                record_id=record_id,
                is_main_sleep=is_main_sleep,
                updated_at=updated_at,
            )
        )
    return readings


def daily_reading(
    conn: ConnectionRef,
    provider: Provider,
    *,
    day: dt.date,
    metric: Metric,
    value: float,
    unit: Unit,
    record_id: str,
) -> RawReading:
    return RawReading(
        member_id=conn.member_id,
        source=Source(provider, conn.device_kind),
        metric=metric,
        value=value,
        unit=unit,
        start=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
        utc_offset=dt.timedelta(0),
        record_id=record_id,
    )


def collect(
    records: Iterable[M], to_readings: Callable[[M], list[RawReading]]
) -> list[RawReading]:
    return [reading for record in records for reading in to_readings(record)]
