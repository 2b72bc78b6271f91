"""A loopback stand-in for the providers' APIs (Oura, WHOOP, Google Health,
Garmin, Strava), each under its own path prefix, with switchable faults.

`faults` are served first, one per request (e.g. 503 with Retry-After), then
requests are answered from the stored records. Every request is recorded
(method, path, query, whether the bearer token was valid).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

JSON = dict[str, Any]


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


class FakeWearableProvider:
    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.oura_sleeps: dict[str, JSON] = {}
        self.whoop_sleeps: dict[str, JSON] = {}
        self.whoop_recoveries: dict[int, JSON] = {}  # by cycle id
        self.google: dict[str, list[JSON]] = {"sleep": [], "hrv": [], "rhr": []}
        self.garmin: dict[str, list[JSON]] = {}
        self.strava: dict[str, JSON] = {}
        self.app = Starlette(routes=self._routes())

    def base_urls(self, url: str) -> dict[str, str]:
        """Settings overrides pointing every provider at this fake."""
        return {
            "WEARABLE_OURA_API_BASE_URL": f"{url}/oura",
            "WEARABLE_WHOOP_API_BASE_URL": f"{url}/whoop",
            "WEARABLE_GOOGLE_HEALTH_API_BASE_URL": f"{url}/google",
            "WEARABLE_GARMIN_API_BASE_URL": f"{url}/garmin",
            "WEARABLE_STRAVA_API_BASE_URL": f"{url}/strava",
        }

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

    def _gate(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        ok = auth.startswith("Bearer ") and auth[7:] in self.tokens
        self.seen.append(Seen(request.method, request.url.path, request.url.query, ok))
        if self.faults:
            fault = self.faults.pop(0)
            headers = {"retry-after": fault.retry_after} if fault.retry_after else None
            return Response(fault.body, fault.status, headers=headers)
        if not ok:
            return JSONResponse({"error": "unauthorized"}, 401)
        return None

    async def _oura_one(self, request: Request) -> Response:
        return self._gate(request) or _one(self.oura_sleeps, request.path_params["id"])

    async def _oura_list(self, request: Request) -> Response:
        q = request.query_params
        items = _in_days(
            self.oura_sleeps.values(), "day", q["start_date"], q["end_date"]
        )
        return self._gate(request) or JSONResponse({"data": items, "next_token": None})

    async def _whoop_sleep(self, request: Request) -> Response:
        return self._gate(request) or _one(self.whoop_sleeps, request.path_params["id"])

    async def _whoop_sleeps(self, request: Request) -> Response:
        return self._gate(request) or JSONResponse(
            {"records": list(self.whoop_sleeps.values()), "next_token": None}
        )

    async def _whoop_recovery(self, request: Request) -> Response:
        cycle = int(request.path_params["cycle"])
        return self._gate(request) or _one(self.whoop_recoveries, cycle)

    async def _whoop_recoveries(self, request: Request) -> Response:
        return self._gate(request) or JSONResponse(
            {"records": list(self.whoop_recoveries.values()), "next_token": None}
        )

    async def _google(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        key, store = {
            "sleep": ("sleep", "sleep"),
            "hrv": ("hrv", "hrv"),
            "resting-heart-rate": ("restingHeartRate", "rhr"),
        }[kind]
        q = request.query_params
        field = "dateOfSleep" if store == "sleep" else "dateTime"
        items = _in_days(self.google[store], field, q["startDate"], q["endDate"])
        return self._gate(request) or JSONResponse({key: items})

    async def _garmin(self, request: Request) -> Response:
        items = self.garmin.get(request.path_params["kind"], [])
        return self._gate(request) or JSONResponse(items)

    async def _backfill(self, request: Request) -> Response:
        return self._gate(request) or Response(status_code=202)

    async def _strava_one(self, request: Request) -> Response:
        return self._gate(request) or _one(self.strava, request.path_params["id"])

    async def _strava_list(self, request: Request) -> Response:
        return self._gate(request) or JSONResponse(list(self.strava.values()))

    async def _redirect(self, request: Request) -> Response:
        return self._gate(request) or Response(
            status_code=302, headers={"location": "http://169.254.169.254/"}
        )


def _one(store: dict[Any, JSON], key: Any) -> Response:
    item = store.get(key)
    if item is None:
        return JSONResponse({"error": "not found"}, 404)
    return JSONResponse(item)


def _in_days(items: Any, field: str, start: str, end: str) -> list[JSON]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [i for i in items if first <= dt.date.fromisoformat(i[field]) <= last]


def oura_sleep(
    day: dt.date,
    *,
    hrv: float,
    rhr: float,
    asleep_h: float = 7.5,
    in_bed_h: float = 8.0,
    kind: str = "long_sleep",
) -> JSON:
    """An Oura sleep period that ends at 07:00 UTC on `day`."""
    end = dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)
    start = end - dt.timedelta(hours=in_bed_h)
    return {
        "id": f"oura-sleep-{day.isoformat()}",
        "day": day.isoformat(),
        "type": kind,
        "bedtime_start": start.isoformat(),
        "bedtime_end": end.isoformat(),
        "total_sleep_duration": int(asleep_h * 3600),
        "time_in_bed": int(in_bed_h * 3600),
        "efficiency": round(100 * asleep_h / in_bed_h),
        "average_hrv": hrv,
        "lowest_heart_rate": rhr,
    }


def normal_night(day: dt.date) -> JSON:
    """A steady night: HRV 58/62 ms and RHR 50/51 bpm on alternate days."""
    even = day.toordinal() % 2 == 0
    return oura_sleep(day, hrv=62.0 if even else 58.0, rhr=50.0 if even else 51.0)


def bad_night(day: dt.date) -> JSON:
    """Low HRV, high resting HR, short and poor sleep: a red readiness day."""
    return oura_sleep(day, hrv=25.0, rhr=62.0, asleep_h=5.0, in_bed_h=6.5)
