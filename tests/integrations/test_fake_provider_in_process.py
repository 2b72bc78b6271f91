"""`WEARABLE_PROVIDERS=fake`: the real adapters and HTTP client, answered by
the in-process fake provider (synthetic tokens); production keeps the real
base URLs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.core.config import Environment, Settings
from app.domain.wearables import DeviceKind, Metric, Provider
from app.integrations.wearables import build_clients
from app.integrations.wearables.base import (
    ConnectionRef,
    FetchTarget,
    ProviderAuthRevokedError,
)
from app.integrations.wearables.fake_provider import FAKE_HOST
from app.integrations.wearables.http import ProviderHttp, build_http_client
from tests.support.settings import TEST_AUTH_SECRET

TODAY = dt.datetime.now(dt.UTC).date()
WEEK_AGO = TODAY - dt.timedelta(days=6)


def settings(env: Environment, **values: Any) -> Settings:
    return Settings(_env_file=None, APP_ENV=env, AUTH_SECRET=TEST_AUTH_SECRET, **values)


def ref(access_token: str) -> ConnectionRef:
    return ConnectionRef("member-1", "ext-1", access_token, DeviceKind.RING)


def by_metric(readings: Any, metric: Metric) -> list[float]:
    return [r.value for r in readings if r.metric is metric]


async def test_development_adapters_sync_synthetic_nights_in_process() -> None:
    dev = settings(Environment.DEVELOPMENT)
    async with build_http_client(dev) as client:
        clients = build_clients(dev, ProviderHttp(client, 2_000_000))
        badweek = ref("fake-badweek-4f2a")
        oura = await clients[Provider.OURA].fetch_range(
            badweek, "sleep", WEEK_AGO, TODAY
        )
        assert (len(oura.readings), oura.rejected) == (7 * 5, 0)
        assert max(by_metric(oura.readings, Metric.HRV_RMSSD)) < 30  # the bad week
        one = await clients[Provider.OURA].fetch(
            badweek, FetchTarget("sleep", object_id=f"oura-sleep-{TODAY}")
        )
        assert by_metric(one.readings, Metric.RESTING_HR) == by_metric(
            [r for r in oura.readings if r.start.date() == TODAY], Metric.RESTING_HR
        )

        steady = ref("fake-steady-4f2a")
        whoop = clients[Provider.WHOOP]
        recovery = await whoop.fetch_range(steady, "recovery", WEEK_AGO, TODAY)
        assert len(by_metric(recovery.readings, Metric.HRV_RMSSD)) == 7
        assert min(by_metric(recovery.readings, Metric.HRV_RMSSD)) > 55
        sleep = await whoop.fetch_range(steady, "sleep", WEEK_AGO, TODAY)
        assert len(by_metric(sleep.readings, Metric.SLEEP_DURATION)) == 7
        google = clients[Provider.GOOGLE_HEALTH]
        rhr = await google.fetch_range(steady, "resting_heart_rate", WEEK_AGO, TODAY)
        assert [r.start.date() for r in rhr.readings] == [
            WEEK_AGO + dt.timedelta(days=i) for i in range(7)
        ]
        strava = await clients[Provider.STRAVA].fetch_range(
            steady, "activity", WEEK_AGO, TODAY
        )
        assert strava.activities == ()

        with pytest.raises(ProviderAuthRevokedError):
            await clients[Provider.OURA].fetch_range(
                ref("a-real-looking-token"), "sleep", WEEK_AGO, TODAY
            )


def recording_app(hosts: list[str]) -> Starlette:
    """Stands in for the network: records the Host asked for, answers 401."""

    async def record(request: Request) -> Response:
        hosts.append(request.url.hostname or "")
        return JSONResponse({"error": "unauthorized"}, 401)

    return Starlette(routes=[Route("/{path:path}", record, methods=["GET"])])


@pytest.mark.parametrize(
    ("build", "host"),
    [
        (lambda: settings(Environment.PRODUCTION), "api.ouraring.com"),
        (lambda: settings(Environment.TEST), "api.ouraring.com"),
        (lambda: settings(Environment.DEVELOPMENT), FAKE_HOST),
        (
            lambda: settings(Environment.DEVELOPMENT, WEARABLE_PROVIDERS="real"),
            "api.ouraring.com",
        ),
    ],
)
async def test_base_urls_are_real_unless_the_fake_is_on(
    build: Callable[[], Settings], host: str
) -> None:
    hosts: list[str] = []
    transport = httpx.ASGITransport(app=recording_app(hosts))
    async with httpx.AsyncClient(transport=transport) as client:
        clients = build_clients(build(), ProviderHttp(client, 10_000))
        with pytest.raises(ProviderAuthRevokedError):
            await clients[Provider.OURA].fetch_range(ref("t"), "sleep", TODAY, TODAY)
    assert hosts == [host]
