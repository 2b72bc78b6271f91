"""A stand-in Inngest event API with switchable faults, for dispatch tests."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

HANG_S = 600.0
TEST_EVENT_KEY = "test-event-key"  # the key the tests' event API accepts


class Mode(enum.StrEnum):
    ACCEPT = "accept"
    HANG = "hang"
    BAD_GATEWAY_HTML = "bad_gateway_html"  # a proxy's non-JSON 502
    REJECT = "reject"  # 400 with an error, like an invalid event


class FakeEventApi:
    def __init__(self, event_key: str) -> None:
        self.event_key = event_key
        self.mode = Mode.ACCEPT
        self.requests = 0
        self.received: list[dict[str, Any]] = []
        self.reject_names: set[str] = set()
        self.app = Starlette(
            routes=[Route("/e/{key}", self._receive, methods=["POST"])]
        )

    @property
    def event_ids(self) -> list[str]:
        return [str(event.get("id")) for event in self.received]

    async def _receive(self, request: Request) -> Response:
        self.requests += 1
        if request.path_params["key"] != self.event_key:
            return JSONResponse({"error": "Event key not found", "status": 401}, 401)
        if self.mode is Mode.HANG:
            await asyncio.sleep(HANG_S)
        if self.mode is Mode.BAD_GATEWAY_HTML:
            return PlainTextResponse("<html>502 Bad Gateway</html>", 502)
        body = json.loads(await request.body())
        events = body if isinstance(body, list) else [body]
        if self.mode is Mode.REJECT or any(
            e["name"] in self.reject_names for e in events
        ):
            return JSONResponse({"ids": [], "status": 400, "error": "bad event"}, 400)
        self.received.extend(events)
        ids = [f"internal-{self.requests}-{i}" for i in range(len(events))]
        return JSONResponse({"ids": ids, "status": 200})
