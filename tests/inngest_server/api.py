"""The stand-in's HTTP API: event ingest, registration and the v0 run API."""

from __future__ import annotations

import hashlib
import json
import typing
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import calls, signing
from .events import EventInvalidError
from .models import JSONDict

if typing.TYPE_CHECKING:
    from .server import InngestServer


def build_api(server: InngestServer) -> Starlette:
    kind = {"x-inngest-server-kind": server.mode}

    def reply(body: object, status: int = 200) -> Response:
        return JSONResponse(body, status_code=status, headers=kind)

    async def receive_event(request: Request) -> Response:
        key = request.path_params.get("key", "")
        if not key:
            return reply(
                {"status": 401, "message": "", "error": "Event key is required"}, 401
            )
        if server.event_keys is not None and key not in server.event_keys:
            return reply(
                {"status": 401, "message": "", "error": "Event key not found"}, 401
            )
        try:
            raw = json.loads(await request.body())
        except ValueError:
            return reply({"ids": [], "status": 400, "error": "invalid JSON body"}, 400)
        batch = raw if isinstance(raw, list) else [raw]
        ids: list[str] = []
        seed = request.headers.get("x-inngest-event-id-seed")
        try:
            server.ingest(batch, seed=seed, accepted=ids)
        except EventInvalidError as err:
            server.event_posts.append(
                {"key": key, "seed": seed, "ids": ids, "status": 400}
            )
            return reply({"ids": ids, "status": 400, "error": str(err)}, 400)
        server.event_posts.append({"key": key, "seed": seed, "ids": ids, "status": 200})
        return reply({"ids": ids, "status": 200})

    async def register(request: Request) -> Response:
        keys = server.accepted_keys
        if keys and not signing.bearer_matches(
            request.headers.get("authorization"), keys
        ):
            return PlainTextResponse("401 Authentication failed", 401, headers=kind)
        expected = request.headers.get("x-inngest-expected-server-kind")
        if expected and expected != server.mode:
            return reply(
                {"error": f"Expected server kind {expected}, got {server.mode}"}, 400
            )
        raw_body = await request.body()
        try:
            body = json.loads(raw_body)
        except ValueError:
            return reply({"error": "invalid JSON"}, 400)
        problem = _registration_problem(body)
        if problem:
            return reply({"error": problem}, 400)
        modified = server.record_registration(
            typing.cast(JSONDict, body),
            dict(request.headers),
            hashlib.sha256(raw_body).hexdigest(),
        )
        app_id = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"inngest-app:{body.get('appname')}")
        )
        return reply(
            {
                "ok": True,
                "modified": modified,
                "app_id": app_id,
                "sync_id": str(uuid.uuid4()),
            }
        )

    async def run_state(request: Request) -> Response:
        keys = server.accepted_keys
        if keys and not signing.bearer_matches(
            request.headers.get("authorization"), keys
        ):
            return PlainTextResponse("401 Authentication failed", 401, headers=kind)
        run = server.executor_run(request.path_params["run_id"])
        if run is None or request.path_params["what"] not in ("batch", "actions"):
            return reply({"error": "run not found"}, 404)
        server.api_fetches.append((run.id, request.path_params["what"]))
        if request.path_params["what"] == "batch":
            return reply([e.payload() for e in run.events])
        return reply({h: run.memos[h] for h in run.stack})

    async def health(request: Request) -> Response:
        return reply({"status": 200, "message": "OK"})

    return Starlette(
        routes=[
            Route("/e/", receive_event, methods=["POST"]),
            Route("/e/{key}", receive_event, methods=["POST"]),
            Route("/fn/register", register, methods=["POST"]),
            Route("/v0/runs/{run_id}/{what:str}", run_state, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def _registration_problem(body: object) -> str | None:
    if not isinstance(body, dict):
        return "body must be an object"
    if not (body.get("appname") or body.get("appName")):
        return "app name is empty"
    functions = body.get("functions")
    if not isinstance(functions, list):
        return "functions must be a list"
    for fn in functions:
        if not isinstance(fn, dict) or not fn.get("id"):
            return "function without an id"
        url = ((fn.get("steps") or {}).get("step") or {}).get("runtime", {}).get("url")
        if not url:
            return f"function {fn['id']} has no runtime.url"
        try:
            calls.require_loopback(str(url))
        except calls.NotLoopbackError as err:
            return str(err)
    return None
