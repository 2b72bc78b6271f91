"""S6, replays (issue 16 #1): a genuine signed call replayed inside the window
is refused however the unsigned parts are changed (query, header form,
function), with the replay store in memory or in the database, and, with the
database store, when the replay reaches another replica.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.jobs.registry import WorkerRegistry
from app.main import create_app
from tests.fakes.probe import ProbeRecorded, ProbeWorker
from tests.inngest_server import InngestServer
from tests.inngest_server.signing import canonical
from tests.support.inngest_app import inngest_settings
from tests.support.serving import serve_asgi

pytestmark = pytest.mark.db
FN, OTHER = "probe-record", "probe-other"


def two_function_app(
    settings: Settings, worker: ProbeWorker, other: ProbeWorker
) -> FastAPI:
    """Two functions on the same event: a signature for one must not run the other."""
    registry = WorkerRegistry()
    registry.worker(fn_id=FN, event=ProbeRecorded)(worker.handle)
    registry.worker(fn_id=OTHER, event=ProbeRecorded)(other.handle)
    return create_app(settings, registry=registry)


@dataclasses.dataclass
class Replicas:
    server: InngestServer
    workers: list[ProbeWorker]
    others: list[ProbeWorker]
    urls: list[str]


@pytest.fixture(params=["memory", "database"])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def replicas(
    settings_factory: Callable[..., Settings], engine: AsyncEngine, store: str
) -> AsyncIterator[Replicas]:
    """Two replicas of the app on one database, synced with the stand-in."""
    async with InngestServer(mode="cloud") as server:
        found = Replicas(server, [], [], [])
        settings = inngest_settings(
            settings_factory, server, INNGEST_REPLAY_CACHE=store
        )
        async with (
            serve_asgi(two_function_app(settings, *_pair(found))) as first,
            serve_asgi(two_function_app(settings, *_pair(found))) as second,
        ):
            found.urls = [first + "/api/inngest", second + "/api/inngest"]
            await server.sync(found.urls[0])
            yield found


def _pair(found: Replicas) -> tuple[ProbeWorker, ProbeWorker]:
    worker, other = ProbeWorker(), ProbeWorker()
    found.workers.append(worker)
    found.others.append(other)
    return worker, other


def runs(found: Replicas) -> int:
    return sum(len(w.calls) for w in found.workers + found.others)


def fn_query(server: InngestServer, fn_id: str) -> dict[str, str]:
    url = server.function(fn_id).url
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def event() -> dict[str, Any]:
    return {"name": ProbeRecorded.name, "data": {"gym_id": str(uuid.uuid4())}}


async def test_replays_that_change_unsigned_parts_are_refused(
    replicas: Replicas,
) -> None:
    server = replicas.server
    body = server.call_body(FN, event=event())
    content = canonical(body)
    signature = server.sign(body)
    t, s = (part.split("=", 1)[1] for part in signature.split("&"))
    query = fn_query(server, FN)
    fn_id, other_id = query["fnId"], fn_query(server, OTHER)["fnId"]
    plain = f"fnId={fn_id}&stepId=step"
    encoded_fn = "".join(f"%{ord(c):02X}" for c in fn_id[:3]) + fn_id[3:]
    variants: dict[str, tuple[str, str]] = {
        "query + &x=1": (plain + "&x=1", signature),
        "query reordered": (f"stepId=step&fnId={fn_id}", signature),
        "query %-encoded": (f"fnId={encoded_fn}&stepId=step", signature),
        "another function": (f"fnId={other_id}&stepId=step", signature),
        "header s first": (plain, f"s={s}&t={t}"),
        "header trailing &x=1": (plain, signature + "&x=1"),
        "header leading &": (plain, "&" + signature),
        "header t %-encoded": (plain, f"t=%3{t[0]}{t[1:]}&s={s}"),
        "header t zero-padded": (plain, f"t=0{t}&s={s}"),
    }
    base = replicas.urls[0]
    async with httpx.AsyncClient(timeout=5) as client:
        first = await client.post(
            f"{base}?{plain}",
            content=content,
            headers={"x-inngest-signature": signature},
        )
        statuses = {}
        for name, (raw_query, header) in variants.items():
            response = await client.post(
                f"{base}?{raw_query}",
                content=content,
                headers={"x-inngest-signature": header},
            )
            statuses[name] = response.status_code
    assert first.status_code == 206
    assert statuses == dict.fromkeys(variants, 401)
    assert runs(replicas) == 1


async def test_a_replay_to_another_replica_is_refused_with_the_database_store(
    replicas: Replicas, store: str
) -> None:
    server = replicas.server
    body = server.call_body(FN, event=event())
    signature = server.sign(body)
    plain = f"fnId={fn_query(server, FN)['fnId']}&stepId=step"
    statuses = []
    async with httpx.AsyncClient(timeout=5) as client:
        for url in replicas.urls:
            response = await client.post(
                f"{url}?{plain}",
                content=canonical(body),
                headers={"x-inngest-signature": signature},
            )
            statuses.append(response.status_code)
    if store == "database":
        assert statuses == [206, 401]
        assert runs(replicas) == 1
    else:  # per process: documented, the idempotent workers are the guard
        assert statuses == [206, 206]
        assert runs(replicas) == 2


async def test_parallel_steps_with_one_body_and_one_second_still_run(
    replicas: Replicas,
) -> None:
    """Inngest calls planned parallel steps with the same body (and maybe the
    same `t`): the same MAC with another `stepId` of the same function runs."""
    server = replicas.server
    body = server.call_body(FN, event=event())
    signature = server.sign(body)
    fn_id = fn_query(server, FN)["fnId"]
    async with httpx.AsyncClient(timeout=5) as client:
        statuses = [
            (
                await client.post(
                    f"{replicas.urls[0]}?fnId={fn_id}&stepId={step}",
                    content=canonical(body),
                    headers={"x-inngest-signature": signature},
                )
            ).status_code
            for step in ("step", "a" * 40, "step")
        ]
    assert statuses[0] == 206
    assert statuses[1] != 401  # not refused as a replay (the SDK decides)
    assert statuses[2] == 401
