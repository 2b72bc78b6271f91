"""Sync/registration, modes, in-band sync, use_api and loopback refusal."""

from __future__ import annotations

import httpx
import inngest
import pytest

from tests.inngest_server import InngestServer, RunStatus, SyncError, hash_signing_key

from .conftest import Serve, build_app, make_client


async def test_sync_reads_registered_functions(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    async def on_failure(ctx: inngest.Context) -> None:
        return None

    @client.create_function(
        fn_id="configured",
        retries=2,
        on_failure=on_failure,
        concurrency=[inngest.Concurrency(limit=3, key="event.data.user")],
        idempotency="event.data.user",
        trigger=inngest.TriggerEvent(
            event="test/configured", expression="event.data.ok == true"
        ),
    )
    async def configured(ctx: inngest.Context) -> None:
        return None

    @client.create_function(
        fn_id="defaults", trigger=inngest.TriggerCron(cron="*/5 * * * *")
    )
    async def defaults(ctx: inngest.Context) -> None:
        return None

    async with serve([configured, defaults]) as url:
        pass

    fns = inngest_server.functions
    assert sorted(fns) == [
        "harness-test-configured",
        "harness-test-configured-failure",
        "harness-test-defaults",
    ]
    main = fns["harness-test-configured"]
    assert main.url.startswith(url + "?fnId=harness-test-configured")
    assert (main.retries, main.max_attempts) == (2, 3)
    assert main.triggers == [
        {"event": "test/configured", "expression": "event.data.ok == true"}
    ]
    assert main.config["concurrency"] == [{"limit": 3, "key": "event.data.user"}]
    assert main.config["idempotency"] == "event.data.user"
    assert fns["harness-test-configured-failure"].max_attempts == 1
    assert (
        fns["harness-test-defaults"].retries,
        fns["harness-test-defaults"].max_attempts,
    ) == (None, 5)
    assert fns["harness-test-defaults"].crons == ["*/5 * * * *"]
    (reg,) = inngest_server.registrations
    assert (
        reg["headers"]["authorization"]
        == f"Bearer {hash_signing_key(inngest_server.signing_key or '')}"
    )
    assert reg["body"]["appname"] == "harness-test"


async def test_dev_mode_runs_unsigned(inngest_dev_server: InngestServer) -> None:
    local = make_client(inngest_dev_server, event_key=None, signing_key=None)

    @local.create_function(fn_id="dev", trigger=inngest.TriggerEvent(event="test/dev"))
    async def dev(ctx: inngest.Context) -> str:
        return "dev ok"

    async with inngest_dev_server.attach(build_app(local, [dev])):
        await local.send(inngest.Event(name="test/dev"))
        (run,) = await inngest_dev_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == "dev ok"
    assert inngest_dev_server.event_posts[0]["key"] == "NO_EVENT_KEY_SET"
    assert all(call.signature_ok is None for call in run.calls)


async def test_cloud_app_refuses_dev_sync(
    inngest_server: InngestServer, client: inngest.Inngest
) -> None:
    @client.create_function(fn_id="f", trigger=inngest.TriggerEvent(event="test/f"))
    async def f(ctx: inngest.Context) -> None:
        return None

    async with InngestServer(mode="dev") as dev_server:
        with pytest.raises(SyncError, match="server_kind_mismatch"):
            async with dev_server.attach(build_app(client, [f])):
                pass


async def test_in_band_sync_and_use_api() -> None:
    async with InngestServer(use_api=True) as server:
        local = make_client(server)

        @local.create_function(
            fn_id="big", trigger=inngest.TriggerEvent(event="test/big")
        )
        async def big(ctx: inngest.Context) -> list[object]:
            async def one() -> int:
                return 1

            first = await ctx.step.run("one", one)
            return [ctx.event.data["v"], first]

        from tests.inngest_server import serve_asgi

        async with serve_asgi(build_app(local, [big])) as base:
            res = await server.sync(base + "/api/inngest", in_band=True)
            assert res.headers["x-inngest-sync-kind"] == "in_band"
            assert "harness-test-big" in server.functions
            await local.send(inngest.Event(name="test/big", data={"v": "x"}))
            (run,) = await server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == ["x", 1]
    assert {what for _, what in server.api_fetches} == {"batch", "actions"}


async def test_refuses_non_loopback_function_urls(
    inngest_server: InngestServer,
) -> None:
    body = {
        "appname": "evil",
        "functions": [
            {
                "id": "evil-f",
                "steps": {"step": {"runtime": {"url": "http://example.com/api"}}},
            }
        ],
    }
    token = f"Bearer {hash_signing_key(inngest_server.signing_key or '')}"
    async with httpx.AsyncClient() as http:
        res = await http.post(
            inngest_server.url + "/fn/register",
            json=body,
            headers={"authorization": token},
        )
        unauth = await http.post(inngest_server.url + "/fn/register", json=body)
    assert res.status_code == 400
    assert "non-loopback" in res.json()["error"]
    assert unauth.status_code == 401
    assert inngest_server.functions == {}
