"""Dead letters through the operator API (platform admins only): a failing
worker appears grouped by function and code, one replay runs it once however
often it is asked, audited; dead outbox events are requeued once; bad input
gets the one error shape and changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.security import issue_admin_token
from app.db.models import DeadLetter, Gym, OperatorAction
from app.db.session import create_sessionmaker
from tests.fakes.event_api import FakeEventApi, Mode
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.faults.harness import table_counts
from tests.support import waiting
from tests.support.gym_builders import add_gym, add_member, bearer
from tests.support.serving import LoopbackServer, serve
from tests.support.settings import relay_settings

pytestmark = pytest.mark.db
FN = "probe-record"
OPS = "/api/v1/ops"


def admin(settings: Settings, subject: str = "ops-oncall") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_admin_token(settings, subject)}"}


async def rows(engine: AsyncEngine, model: Any) -> list[Any]:
    async with create_sessionmaker(engine)() as session:
        return list(await session.scalars(select(model)))


async def test_a_failed_run_is_listed_and_one_replay_runs_it_once(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory(INNGEST_RETRIES=0)
    worker = ProbeWorker(fail_times=1)
    async with (
        serve(build_probe_app(settings, worker)) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        posted = await client.post("/probe", json={})
        gym_id = posted.json()["gym_id"]
        listed = await client.get(f"{OPS}/dead-letters", headers=admin(settings))
        [letter] = await rows(engine, DeadLetter)
        shown = await client.get(
            f"{OPS}/dead-letters/{letter.id}", headers=admin(settings)
        )
        replay_url = f"{OPS}/dead-letters/{letter.id}/replay"
        twice = await asyncio.gather(
            client.post(replay_url, headers=admin(settings)),
            client.post(replay_url, headers=admin(settings, "second-operator")),
        )
        again = await client.post(replay_url, headers=admin(settings))
        after = await client.get(f"{OPS}/dead-letters", headers=admin(settings))
        discard = await client.post(
            f"{OPS}/dead-letters/{letter.id}/discard", headers=admin(settings)
        )
        status = await client.get(f"{OPS}/status", headers=admin(settings))
    assert posted.status_code == 201
    assert listed.status_code == 200
    assert listed.json() == {
        "runs": [
            {
                "function_id": FN,
                "error_code": "runtime_error",
                "mode": "inline",
                "count": 1,
                "oldest": listed.json()["runs"][0]["oldest"],
                "newest": listed.json()["runs"][0]["newest"],
            }
        ],
        "events": [],
    }
    body = shown.json()
    assert body["function_id"] == FN
    assert body["resource_id"] == gym_id
    assert body["replayable"] is True
    assert "event_data" not in body  # ids and codes only
    results = [r.json() for r in (*twice, again)]
    assert [r.status_code for r in (*twice, again)] == [200, 200, 200]
    assert sorted(r["first"] for r in results) == [False, False, True]
    [first] = [r for r in results if r["first"]]
    assert first["run_id"].startswith("inline-")
    assert first["outcome"] == "completed"
    # The concurrent ask saw the replay running, or done; the later one, done.
    [concurrent] = [r for r in results[:2] if not r["first"]]
    assert concurrent["outcome"] in {"running", "completed"}
    assert concurrent["run_id"] in {None, first["run_id"]}
    assert (results[2]["run_id"], results[2]["outcome"]) == (
        first["run_id"],
        "completed",
    )
    assert worker.calls == [uuid.UUID(gym_id)]  # the replay ran once
    assert worker.attempts == 2  # the failed run, then the replay
    assert after.json()["runs"] == []
    assert discard.status_code == 409
    assert discard.json() == {
        "code": "conflict",
        "detail": "dead letter was replayed already",
    }
    [action] = await rows(engine, OperatorAction)
    assert (action.target, action.action, action.outcome) == (
        "run",
        "replay",
        "completed",
    )
    assert action.target_id == str(letter.id)
    assert action.actor in {"ops-oncall", "second-operator"}
    assert action.run_id == first["run_id"]
    [replayed] = await rows(engine, DeadLetter)
    assert replayed.resolution == "replayed"
    assert status.status_code == 200
    assert status.json()["dead_letters_open"] == 0
    assert status.json()["mode"] == "inline"


async def test_operator_routes_refuse_members_and_bad_input_changes_nothing(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = settings_factory()
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        owner = add_member(session, gym, role="owner")
    before = await table_counts(engine)
    async with (
        serve(build_probe_app(settings, ProbeWorker())) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        anonymous = await client.get(f"{OPS}/dead-letters")
        as_owner = await client.get(f"{OPS}/status", headers=bearer(settings, owner))
        bad_id = await client.post(
            f"{OPS}/dead-letters/not-a-uuid/replay", headers=admin(settings)
        )
        unknown = await client.post(
            f"{OPS}/dead-letters/{uuid.uuid4()}/replay", headers=admin(settings)
        )
        bad_fn = await client.post(
            f"{OPS}/dead-letters/replay",
            json={"function_id": "Robert'); DROP TABLE"},
            headers=admin(settings),
        )
        no_fn = await client.post(
            f"{OPS}/dead-letters/replay",
            json={"function_id": "no-such-function"},
            headers=admin(settings),
        )
        no_event = await client.post(
            f"{OPS}/dead-events/platform/x:1/discard", headers=admin(settings)
        )
    statuses = [
        r.status_code
        for r in (anonymous, as_owner, bad_id, unknown, bad_fn, no_fn, no_event)
    ]
    assert statuses == [401, 401, 422, 404, 422, 404, 404]
    for response in (anonymous, as_owner, bad_id, unknown, bad_fn, no_fn, no_event):
        assert set(response.json()) == {"code", "detail"}
    assert "DROP TABLE" not in bad_fn.text
    assert await table_counts(engine) == before


async def test_a_dead_outbox_event_is_requeued_once_and_sent(
    settings_factory: Callable[..., Settings],
    engine: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    fake, api_server = event_api
    fake.mode = Mode.REJECT
    settings = relay_settings(
        settings_factory,
        api_server.url,
        INNGEST_SIGNING_KEY="signkey-test-" + "ef" * 32,
        OUTBOX_MAX_REJECTIONS=1,
    )
    async with (
        serve(build_probe_app(settings, ProbeWorker())) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        event_id = (await client.post("/probe", json={})).json()["event_id"]

        async def listed_dead() -> bool:
            got = await client.get(f"{OPS}/dead-letters", headers=admin(settings))
            return bool(got.json()["events"])

        await waiting.eventually(listed_dead, "the dead event", timeout=20)
        listed = await client.get(f"{OPS}/dead-letters", headers=admin(settings))
        shown = await client.get(
            f"{OPS}/dead-events/{event_id}", headers=admin(settings)
        )
        fake.mode = Mode.ACCEPT
        url = f"{OPS}/dead-events/{event_id}/replay"
        first = await client.post(url, headers=admin(settings))
        second = await client.post(url, headers=admin(settings))

        async def delivered() -> bool:
            return event_id in fake.event_ids

        await waiting.eventually(delivered, "the requeued event", timeout=20)
        discard_sent = await client.post(
            f"{OPS}/dead-events/{event_id}/discard", headers=admin(settings)
        )
        status = await client.get(f"{OPS}/status", headers=admin(settings))
    assert listed.json()["events"][0]["event_name"] == "platform/scoring.probe-recorded"
    assert listed.json()["events"][0]["error_code"] == "event_rejected"
    assert shown.json()["status"] == "dead"
    assert (first.json()["first"], second.json()["first"]) == (True, False)
    assert first.json()["outcome"] == "requeued"
    assert fake.event_ids.count(event_id) == 1
    assert discard_sent.status_code == 409
    assert status.json()["outbox"]["dead"] == 0
    assert status.json()["relay"]["last_sent_at"] is not None
    gyms = await rows(engine, Gym)
    assert len(gyms) == 1
