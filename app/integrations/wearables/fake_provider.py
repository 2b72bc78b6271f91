"""A stand-in for the providers' APIs (Oura, WHOOP, Google Health, Garmin,
Strava), each under its own path prefix, with switchable faults.

The tests serve it on loopback and fill its stores; with
`WEARABLE_PROVIDERS=fake` (the development default) the app reaches one
process-wide instance in-process (`shared_fake_provider`, via
`httpx.ASGITransport`, base URLs under `FAKE_ORIGIN`).

`faults` are served first, one per request (e.g. 503 with Retry-After). Then
a bearer token in `tokens` is answered from the stored records, and a
synthetic token `fake-<profile>-<suffix>` with generated nights for the
requested days (app/integrations/wearables/fake_nights.py; Oura, WHOOP and
Google Health; Garmin and Strava answer with nothing). Any other token gets
401. Requests are recorded (method, path, query, whether the token was
accepted), never the token itself.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.integrations.wearables import fake_records as records
from app.integrations.wearables.fake_nights import (
    Night,
    SyntheticToken,
    night,
    nights,
    parse_token,
)

JSON = dict[str, Any]
FAKE_HOST = "wearables.fake"
FAKE_ORIGIN = f"http://{FAKE_HOST}"
SHARED_KEEP_SEEN = 100


@dataclasses.dataclass
class Fault:
    status: int
    retry_after: str | None = None
    body: bytes = b'{"error":"fault"}'


@dataclasses.dataclass
class Seen:
    method: str
    path: str
    query: str
    authorized: bool


Gate = tuple[Response | None, SyntheticToken | None]


def fake_base_urls(url: str) -> dict[str, str]:
    """Settings overrides pointing every provider at a fake served at `url`."""
    return {
        "WEARABLE_OURA_API_BASE_URL": f"{url}/oura",
        "WEARABLE_WHOOP_API_BASE_URL": f"{url}/whoop",
        "WEARABLE_GOOGLE_HEALTH_API_BASE_URL": f"{url}/google",
        "WEARABLE_GARMIN_API_BASE_URL": f"{url}/garmin",
        "WEARABLE_STRAVA_API_BASE_URL": f"{url}/strava",
    }


# Garmin's callback hosts stay as configured: only a callback's path is used.
IN_PROCESS_SETTINGS = fake_base_urls(FAKE_ORIGIN)


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class FakeWearableProvider:
    def __init__(
        self,
        *,
        today: Callable[[], dt.date] = utc_today,
        keep_seen: int | None = None,
    ) -> None:
        self.today = today  # synthetic nights end here at the latest
        self.tokens: set[str] = set()
        self.faults: list[Fault] = []
        self.seen: collections.deque[Seen] = collections.deque(maxlen=keep_seen)
        self.oura_sleeps: dict[str, JSON] = {}
        self.whoop_sleeps: dict[str, JSON] = {}
        self.whoop_recoveries: dict[int, JSON] = {}  # by cycle id
        self.google: dict[str, list[JSON]] = {"sleep": [], "hrv": [], "rhr": []}
        self.garmin: dict[str, list[JSON]] = {}
        self.strava: dict[str, JSON] = {}
        self.app = Starlette(routes=self._routes())

    def base_urls(self, url: str) -> dict[str, str]:
        """Settings overrides pointing every provider at this fake."""
        return fake_base_urls(url)

    def paths(self, prefix: str) -> list[str]:
        return [s.path for s in self.seen if s.path.startswith(prefix)]

    def _routes(self) -> list[Route]:
        get = ["GET"]
        return [
            Route("/oura/v2/usercollection/sleep", self._oura_list, methods=get),
            Route("/oura/v2/usercollection/sleep/{id}", self._oura_one, methods=get),
            Route("/whoop/v2/activity/sleep", self._whoop_sleeps, methods=get),
            Route("/whoop/v2/activity/sleep/{id}", self._whoop_sleep, methods=get),
            Route(
                "/whoop/v2/cycle/{cycle}/recovery", self._whoop_recovery, methods=get
            ),
            Route("/whoop/v2/recovery", self._whoop_recoveries, methods=get),
            Route("/google/v1/users/me/{kind}", self._google, methods=get),
            Route(
                "/garmin/wellness-api/rest/backfill/{kind}", self._backfill, methods=get
            ),
            Route("/garmin/wellness-api/rest/{kind}", self._garmin, methods=get),
            Route("/strava/activities/{id}", self._strava_one, methods=get),
            Route("/strava/athlete/activities", self._strava_list, methods=get),
            Route("/redirect", self._redirect, methods=get),
        ]

    def _gate(self, request: Request) -> Gate:
        """(a response that ends the request, the synthetic token if one)."""
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        stored = token is not None and token in self.tokens
        synthetic = None if stored or token is None else parse_token(token)
        ok = stored or synthetic is not None
        self.seen.append(Seen(request.method, request.url.path, request.url.query, ok))
        if self.faults:
            fault = self.faults.pop(0)
            headers = {"retry-after": fault.retry_after} if fault.retry_after else None
            return Response(fault.body, fault.status, headers=headers), None
        if not ok:
            return JSONResponse({"error": "unauthorized"}, 401), None
        return None, synthetic

    def _night(self, token: SyntheticToken, day: dt.date | None) -> Night | None:
        """A synthetic night by its record's day (the newest is today's)."""
        today = self.today()
        if day is None or day > today:
            return None
        return night(token, day, today)

    async def _oura_one(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        key = request.path_params["id"]
        if synthetic is None:
            return _one(self.oura_sleeps, key)
        found = self._night(synthetic, _day_in(key, "oura-sleep-"))
        return _found(records.oura_night(found) if found else None)

    async def _oura_list(self, request: Request) -> Response:
        q = request.query_params
        first, last = _date(q["start_date"]), _date(q["end_date"])
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        if synthetic is None:
            items = _in_days(self.oura_sleeps.values(), "day", first, last)
        else:
            found = nights(synthetic, first, last, self.today())
            items = [records.oura_night(n) for n in found]
        return JSONResponse({"data": items, "next_token": None})

    async def _whoop_sleep(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        key = request.path_params["id"]
        if synthetic is None:
            return _one(self.whoop_sleeps, key)
        found = self._night(synthetic, _day_in(key, "whoop-sleep-"))
        return _found(records.whoop_sleep(found) if found else None)

    async def _whoop_sleeps(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        if synthetic is None:
            items = list(self.whoop_sleeps.values())
        else:
            items = [
                records.whoop_sleep(n) for n in self._whoop_range(synthetic, request)
            ]
        return JSONResponse({"records": items, "next_token": None})

    async def _whoop_recovery(self, request: Request) -> Response:
        cycle = int(request.path_params["cycle"])
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        if synthetic is None:
            return _one(self.whoop_recoveries, cycle)
        day = (
            dt.date.fromordinal(cycle) if 0 < cycle <= dt.date.max.toordinal() else None
        )
        found = self._night(synthetic, day)
        return _found(records.whoop_recovery(found) if found else None)

    async def _whoop_recoveries(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        if synthetic is None:
            items = list(self.whoop_recoveries.values())
        else:
            found = self._whoop_range(synthetic, request)
            items = [records.whoop_recovery(n) for n in found]
        return JSONResponse({"records": items, "next_token": None})

    def _whoop_range(self, token: SyntheticToken, request: Request) -> list[Night]:
        """WHOOP's `start`..`end` (exclusive) instants, as the nights' days."""
        q = request.query_params
        first = dt.datetime.fromisoformat(q["start"]).date()
        last = (dt.datetime.fromisoformat(q["end"]) - dt.timedelta.resolution).date()
        return nights(token, first, last, self.today())

    async def _google(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        key, store = {
            "sleep": ("sleep", "sleep"),
            "hrv": ("hrv", "hrv"),
            "resting-heart-rate": ("restingHeartRate", "rhr"),
        }[kind]
        q = request.query_params
        first, last = _date(q["startDate"]), _date(q["endDate"])
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        if synthetic is None:
            field = "dateOfSleep" if store == "sleep" else "dateTime"
            items = _in_days(self.google[store], field, first, last)
        else:
            found = nights(synthetic, first, last, self.today())
            items = [records.google_record(store, n) for n in found]
        return JSONResponse({key: items})

    async def _garmin(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        stored = [] if synthetic else self.garmin.get(request.path_params["kind"], [])
        return JSONResponse(stored)

    async def _backfill(self, request: Request) -> Response:
        denied, _ = self._gate(request)
        return denied or Response(status_code=202)

    async def _strava_one(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        return _one({} if synthetic else self.strava, request.path_params["id"])

    async def _strava_list(self, request: Request) -> Response:
        denied, synthetic = self._gate(request)
        if denied is not None:
            return denied
        return JSONResponse([] if synthetic else list(self.strava.values()))

    async def _redirect(self, request: Request) -> Response:
        denied, _ = self._gate(request)
        return denied or Response(
            status_code=302, headers={"location": "http://169.254.169.254/"}
        )


@functools.cache
def shared_fake_provider() -> FakeWearableProvider:
    """The process-wide in-process fake (synthetic tokens; the last requests
    kept, so a long-running dev server does not grow)."""
    return FakeWearableProvider(keep_seen=SHARED_KEEP_SEEN)


def _one(store: dict[Any, JSON], key: Any) -> Response:
    return _found(store.get(key))


def _found(item: JSON | None) -> Response:
    if item is None:
        return JSONResponse({"error": "not found"}, 404)
    return JSONResponse(item)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _day_in(record_id: str, prefix: str) -> dt.date | None:
    """The day in a synthetic record id (`<prefix>YYYY-MM-DD`), if it is one."""
    if not record_id.startswith(prefix):
        return None
    try:
        return dt.date.fromisoformat(record_id[len(prefix) :])
    except ValueError:
        return None


def _in_days(items: Any, field: str, first: dt.date, last: dt.date) -> list[JSON]:
    return [i for i in items if first <= dt.date.fromisoformat(i[field]) <= last]
