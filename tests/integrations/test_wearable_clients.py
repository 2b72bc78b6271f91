"""Provider adapters against the loopback fake provider: mapping to raw
readings, validation of untrusted records, and HTTP error mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from app.domain.wearables import DeviceKind, Metric, Provider, Unit
from app.integrations.wearables import base, build_clients
from app.integrations.wearables.base import ConnectionRef, FetchTarget
from app.integrations.wearables.fake_provider import FakeWearableProvider, Fault
from app.integrations.wearables.fake_records import oura_sleep
from app.integrations.wearables.http import ProviderHttp, parse_retry_after
from tests.support.serving import serve
from tests.support.settings import make_settings

TOKEN = "provider-token"
REF = ConnectionRef("member-1", "ext-1", TOKEN, DeviceKind.RING)
DAY = dt.date(2026, 7, 4)


class Fixture:
    def __init__(self, fake: FakeWearableProvider, url: str, client: httpx.AsyncClient):
        self.fake, self.url = fake, url
        settings = make_settings("sqlite+aiosqlite://", **fake.base_urls(url))
        self.http = ProviderHttp(client, max_bytes=20_000)
        self.clients = build_clients(settings, self.http)


@pytest.fixture
async def env() -> AsyncIterator[Fixture]:
    fake = FakeWearableProvider()
    fake.tokens.add(TOKEN)
    async with serve(fake.app, lifespan="off") as server, httpx.AsyncClient() as client:
        yield Fixture(fake, server.url, client)


async def test_oura_range_maps_main_sleep_and_naps(env: Fixture) -> None:
    night = oura_sleep(DAY, hrv=61.5, rhr=49)
    nap = {**oura_sleep(DAY, hrv=70, rhr=55, asleep_h=0.5, in_bed_h=0.6), "id": "nap"}
    nap["type"] = "late_nap"
    broken = {"id": "bad", "day": DAY.isoformat(), "type": "long_sleep"}
    env.fake.oura_sleeps = {"n": night, "nap": nap, "bad": broken}
    result = await env.clients[Provider.OURA].fetch_range(REF, "sleep", DAY, DAY)
    assert result.rejected == 1
    main = {r.metric: (r.value, r.unit) for r in result.readings if r.is_main_sleep}
    assert main == {
        Metric.SLEEP_DURATION: (27000.0, Unit.SECOND),
        Metric.TIME_IN_BED: (28800.0, Unit.SECOND),
        Metric.SLEEP_EFFICIENCY: (94.0, Unit.PERCENT),
        Metric.HRV_RMSSD: (61.5, Unit.MILLISECOND),
        Metric.RESTING_HR: (49.0, Unit.BPM),
    }
    hrv = next(r for r in result.readings if r.metric is Metric.HRV_RMSSD)
    assert hrv.end is None  # a night value, anchored at wake time
    assert hrv.start.hour == 7
    assert len([r for r in result.readings if not r.is_main_sleep]) == 5
    assert env.fake.seen[0].query == "start_date=2026-07-04&end_date=2026-07-04"


async def test_whoop_recovery_is_placed_on_its_sleep_night(env: Fixture) -> None:
    env.fake.whoop_sleeps["s-1"] = {
        "id": "s-1",
        "cycle_id": 93845,
        "start": "2026-07-03T21:00:00Z",
        "end": "2026-07-04T05:00:00Z",
        "timezone_offset": "+02:00",
        "nap": False,
        "score_state": "SCORED",
        "score": {
            "stage_summary": {
                "total_in_bed_time_milli": 28_800_000,
                "total_awake_time_milli": 1_800_000,
            },
            "sleep_efficiency_percentage": 93.75,
        },
    }
    env.fake.whoop_recoveries[93845] = {
        "sleep_id": "s-1",
        "score_state": "SCORED",
        "score": {"resting_heart_rate": 48, "hrv_rmssd_milli": 71.3},
    }
    client = env.clients[Provider.WHOOP]
    recovery = await client.fetch(REF, FetchTarget("recovery", object_id="s-1"))
    values = {r.metric: r.value for r in recovery.readings}
    assert values == {Metric.HRV_RMSSD: 71.3, Metric.RESTING_HR: 48}
    assert all(r.utc_offset == dt.timedelta(hours=2) for r in recovery.readings)
    sleep = await client.fetch(REF, FetchTarget("sleep", object_id="s-1"))
    tst = next(r for r in sleep.readings if r.metric is Metric.SLEEP_DURATION)
    assert (tst.value, tst.unit) == (27_000_000, Unit.MILLISECOND)
    env.fake.whoop_sleeps["s-1"]["score_state"] = "PENDING_SCORE"
    pending = await client.fetch(REF, FetchTarget("sleep", object_id="s-1"))
    assert pending.readings == ()


async def test_google_health_sleep_and_daily_values(env: Fixture) -> None:
    env.fake.google["sleep"] = [
        {
            "logId": 26589710670,
            "dateOfSleep": DAY.isoformat(),
            "startTime": "2026-07-03T23:10:00+02:00",
            "endTime": "2026-07-04T06:40:00+02:00",
            "minutesAsleep": 420,
            "timeInBed": 450,
            "efficiency": 93,
            "isMainSleep": True,
        }
    ]
    env.fake.google["hrv"] = [
        {"dateTime": DAY.isoformat(), "value": {"dailyRmssd": 34.2}},
        {"dateTime": DAY.isoformat(), "value": {}},
    ]
    client = env.clients[Provider.GOOGLE_HEALTH]
    sleep = await client.fetch(REF, FetchTarget("sleep", day=DAY))
    minutes = {r.metric: (r.value, r.unit) for r in sleep.readings}
    assert minutes[Metric.SLEEP_DURATION] == (420, Unit.MINUTE)
    hrv = await client.fetch_range(REF, "hrv", DAY, DAY)
    assert hrv.rejected == 1
    [reading] = hrv.readings
    assert (reading.value, reading.start.date(), reading.utc_offset) == (
        34.2,
        DAY,
        dt.timedelta(0),
    )


async def test_garmin_fetches_the_callback_path_from_the_configured_host(
    env: Fixture,
) -> None:
    env.fake.garmin["dailies"] = [
        {
            "summaryId": "d-1",
            "calendarDate": DAY.isoformat(),
            "startTimeInSeconds": 1783116000,
            "startTimeOffsetInSeconds": 7200,
            "restingHeartRateInBeatsPerMinute": 52,
        }
    ]
    url = "https://apis.garmin.com/wellness-api/rest/dailies?uploadStartTimeInSeconds=1"
    client = env.clients[Provider.GARMIN]
    result = await client.fetch(REF, FetchTarget("dailies", fetch_url=url))
    [reading] = result.readings
    assert (reading.metric, reading.value) == (Metric.RESTING_HR, 52)
    [seen] = env.fake.seen
    assert (seen.path, seen.query) == (
        "/garmin/wellness-api/rest/dailies",
        "uploadStartTimeInSeconds=1",
    )
    evil = "https://evil.example/wellness-api/rest/dailies"
    with pytest.raises(base.ProviderResponseError):
        await client.fetch(REF, FetchTarget("dailies", fetch_url=evil))
    assert len(env.fake.seen) == 1  # never called
    await client.fetch_range(REF, "sleeps", DAY, DAY)
    assert env.fake.seen[-1].path == "/garmin/wellness-api/rest/backfill/sleeps"


async def test_strava_activities(env: Fixture) -> None:
    env.fake.strava["42"] = {
        "id": 42,
        "sport_type": "Ride",
        "start_date": "2026-07-04T06:00:00Z",
        "elapsed_time": 3600,
        "distance": 30000.5,
    }
    client = env.clients[Provider.STRAVA]
    [one] = (
        await client.fetch(REF, FetchTarget("activity", object_id="42"))
    ).activities
    assert (one.external_id, one.sport_type, one.elapsed_s) == ("42", "Ride", 3600)
    listed = await client.fetch_range(REF, "activity", DAY, DAY)
    assert [a.external_id for a in listed.activities] == ["42"]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(429, retry_after="7"), base.ProviderThrottledError),
        (Fault(429), base.ProviderThrottledError),
        (Fault(503, retry_after="30"), base.ProviderThrottledError),
        (Fault(503), base.ProviderUnavailableError),
        (Fault(500), base.ProviderUnavailableError),
        (Fault(401), base.ProviderAuthRevokedError),
        (Fault(403), base.ProviderAuthRevokedError),
        (Fault(404), base.ProviderNotFoundError),
        (Fault(400), base.ProviderResponseError),
        (Fault(200, body=b"<html>"), base.ProviderResponseError),
        (Fault(200, body=b"[" + b"1," * 20_000 + b"1]"), base.ProviderResponseError),
    ],
)
async def test_http_errors_map_to_provider_errors(
    env: Fixture, fault: Fault, error: type[base.ProviderError]
) -> None:
    env.fake.faults = [fault]
    with pytest.raises(error) as caught:
        await env.http.get_json(f"{env.url}/strava/activities/1", TOKEN)
    assert str(caught.value) == error.code  # a code, never a URL or a body
    if fault.retry_after == "7":
        assert isinstance(caught.value, base.ProviderThrottledError)
        assert caught.value.retry_after == dt.timedelta(seconds=7)


async def test_redirects_are_not_followed(env: Fixture) -> None:
    with pytest.raises(base.ProviderResponseError):
        await env.http.get_json(f"{env.url}/redirect", TOKEN)
    assert [s.path for s in env.fake.seen] == ["/redirect"]


async def test_unreachable_provider_is_transient() -> None:
    async with httpx.AsyncClient() as client:
        http = ProviderHttp(client, max_bytes=1000)
        with pytest.raises(base.ProviderUnavailableError):
            await http.get_json("http://127.0.0.1:9/none", TOKEN)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120),
        ("Sat, 04 Jul 2026 12:01:30 GMT", 90),
        ("Sat, 04 Jul 2026 11:00:00 GMT", 0),
        ("999999", 3600),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: int | None) -> None:
    now = dt.datetime(2026, 7, 4, 12, 0, tzinfo=dt.UTC)
    parsed = parse_retry_after(value, now)
    assert parsed == (None if seconds is None else dt.timedelta(seconds=seconds))
