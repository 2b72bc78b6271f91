"""Cloud-mode signatures: wrong, missing, stale and fallback keys."""

from __future__ import annotations

import time

import inngest
import pytest

from tests.inngest_server import (
    InngestServer,
    RunStatus,
    hash_signing_key,
    new_signing_key,
)

from .conftest import Serve, build_app, make_client


async def test_wrong_signature_refused_valid_accepted(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    ran: list[str] = []

    @client.create_function(
        fn_id="guarded", trigger=inngest.TriggerEvent(event="test/guarded")
    )
    async def guarded(ctx: inngest.Context) -> str:
        ran.append(ctx.run_id)
        return "ran"

    async with serve([guarded]):
        body = inngest_server.call_body("guarded", {"name": "test/guarded", "data": {}})
        wrong = await inngest_server.call("guarded", body, key=new_signing_key())
        unsigned = await inngest_server.call("guarded", body, signed=False)
        garbage = await inngest_server.call("guarded", body, signature="t=1&s=deadbeef")
        assert ran == []
        valid = await inngest_server.call("guarded", body)
        stale = await inngest_server.call("guarded", body, ts=int(time.time()) - 3600)

    for res in (wrong, unsigned, garbage):
        assert res.status_code == 401
        assert res.json() == {"message": "Unauthorized"}
    assert valid.status_code == 200
    assert valid.json() == "ran"
    assert valid.headers["x-inngest-sdk"].startswith("inngest-py:")
    # SDK quirk (protocol doc §2): the age of `t` is not checked
    assert stale.status_code == 200
    assert len(ran) == 2


async def test_fallback_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    current, fallback = new_signing_key(), new_signing_key()
    monkeypatch.setenv("INNGEST_SIGNING_KEY_FALLBACK", fallback)
    # The stand-in only knows the fallback key (e.g. mid-rotation).
    async with InngestServer(signing_key=fallback) as server:
        local = make_client(server, signing_key=current)

        @local.create_function(
            fn_id="rotated", trigger=inngest.TriggerEvent(event="test/rotated")
        )
        async def rotated(ctx: inngest.Context) -> str:
            return "ok"

        async with server.attach(build_app(local, [rotated])):
            direct = await server.call("rotated", key=fallback)
            await local.send(inngest.Event(name="test/rotated"))
            (run,) = await server.drain()
            neither = await server.call("rotated", key=new_signing_key())

    assert direct.status_code == 200
    # registration: the SDK retried /fn/register with the fallback's hash
    assert (
        server.registrations[0]["headers"]["authorization"]
        == f"Bearer {hash_signing_key(fallback)}"
    )
    assert run.status is RunStatus.COMPLETED
    assert run.output == "ok"
    # the SDK signed its responses with the fallback key
    assert all(call.signature_ok for call in run.calls)
    assert neither.status_code == 401
