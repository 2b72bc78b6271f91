"""The provider adapter contract: fetch records, return raw readings.

Adapters validate every provider response (pydantic models, untrusted input)
and map it to the domain's `RawReading`; a record that fails validation is
skipped and counted, never fatal. Errors carry a fixed code, never a body,
URL or token.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Protocol

from app.domain.wearables import DeviceKind, Provider, RawReading


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionRef:
    member_id: str
    external_user_id: str
    access_token: str = dataclasses.field(repr=False)
    device_kind: DeviceKind


@dataclasses.dataclass(frozen=True, slots=True)
class FetchTarget:
    """One notified record (`object_id`), a day, or a checked Garmin callback."""

    data_type: str
    object_id: str | None = None
    day: dt.date | None = None
    fetch_url: str | None = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class ActivityRecord:
    """A provider activity (Strava): shown to its owner only."""

    external_id: str
    sport_type: str
    start: dt.datetime
    elapsed_s: int
    distance_m: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FetchResult:
    readings: tuple[RawReading, ...] = ()
    activities: tuple[ActivityRecord, ...] = ()
    rejected: int = 0  # records that failed validation (skipped)

    def __add__(self, other: FetchResult) -> FetchResult:
        return FetchResult(
            self.readings + other.readings,
            self.activities + other.activities,
            self.rejected + other.rejected,
        )


class WearableClient(Protocol):
    provider: Provider
    range_data_types: tuple[str, ...]  # what a first sync or backfill pulls

    async def fetch(self, conn: ConnectionRef, target: FetchTarget) -> FetchResult:
        """The record(s) one webhook notification points at."""
        ...

    async def fetch_range(
        self, conn: ConnectionRef, data_type: str, start: dt.date, end: dt.date
    ) -> FetchResult:
        """Every record of `data_type` for the days `start`..`end`."""
        ...


class ProviderError(Exception):
    code = "wearable_provider_error"

    def __init__(self) -> None:
        super().__init__(self.code)


class ProviderAuthRevokedError(ProviderError):
    """401/403: the member's grant is gone; retrying cannot help."""

    code = "wearable_auth_revoked"


class ProviderThrottledError(ProviderError):
    """429, or 503 with Retry-After: wait exactly as told."""

    code = "wearable_provider_throttled"

    def __init__(self, retry_after: dt.timedelta) -> None:
        super().__init__()
        self.retry_after = retry_after


class ProviderUnavailableError(ProviderError):
    """5xx, timeout or connection failure: transient, retry with backoff."""

    code = "wearable_provider_unavailable"


class ProviderResponseError(ProviderError):
    """A response we cannot use (other 4xx, redirect, not JSON, too large)."""

    code = "wearable_bad_response"


class ProviderNotFoundError(ProviderError):
    """404: the record is gone (deleted since the notification)."""

    code = "wearable_record_not_found"


class UnsupportedDataTypeError(ProviderError):
    code = "wearable_unsupported_data_type"
