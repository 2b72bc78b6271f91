"""Sync (threaded) functions, streamed replies, a real Dev Server (optional)."""

from __future__ import annotations

import inngest
import inngest.fast_api

from tests.inngest_server import InngestServer, RunStatus
from tests.inngest_server.remote import RemoteDevServer

from .conftest import Serve, build_app, make_client


async def test_sync_function_with_steps_and_send(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="sync-fn", trigger=inngest.TriggerEvent(event="test/sync")
    )
    def sync_fn(ctx: inngest.ContextSync) -> int:
        value = ctx.step.run("compute", lambda: 20)
        ctx.step.send_event(
            "fan-out", inngest.Event(name="test/after-sync", data={"v": value})
        )
        return value + 1

    @client.create_function(
        fn_id="after-sync", trigger=inngest.TriggerEvent(event="test/after-sync")
    )
    def after_sync(ctx: inngest.ContextSync) -> object:
        return ctx.event.data["v"]

    async with serve([sync_fn, after_sync]):
        # A blocking call on purpose: the stand-in has its own thread and loop.
        client.send_sync(inngest.Event(name="test/sync"))
        await inngest_server.drain()

    assert inngest_server.runs_for("sync-fn")[0].output == 21
    assert inngest_server.runs_for("after-sync")[0].output == 20


async def test_streamed_replies_are_unwrapped(inngest_server: InngestServer) -> None:
    local = make_client(inngest_server)

    @local.create_function(
        fn_id="streamed", trigger=inngest.TriggerEvent(event="test/stream")
    )
    async def streamed(ctx: inngest.Context) -> str:
        async def body() -> str:
            return "streamed"

        return await ctx.step.run("s", body)

    app = build_app(local, [])
    inngest.fast_api.serve(
        app, local, [streamed], serve_path="/api/s", streaming=inngest.Streaming.FORCE
    )
    async with inngest_server.attach(app, path="/api/s"):
        await local.send(inngest.Event(name="test/stream"))
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == "streamed"
    # the inner statuses of the 201 streamed replies
    assert {call.status for call in run.calls} == {206, 200}


async def test_plain_run_on_real_dev_server(real_dev_server: RemoteDevServer) -> None:
    local = inngest.Inngest(app_id="harness-remote", **real_dev_server.client_options())

    @local.create_function(
        fn_id="remote-plain", trigger=inngest.TriggerEvent(event="harness/remote.plain")
    )
    async def remote_plain(ctx: inngest.Context) -> str:
        async def echo() -> str:
            return "remote ok"

        return await ctx.step.run("echo", echo)

    async with real_dev_server.attach(build_app(local, [remote_plain])):
        (event_id,) = await local.send(inngest.Event(name="harness/remote.plain"))
        (run,) = await real_dev_server.wait_for_event_runs(event_id)

    assert run["status"] == "Completed"
    assert run["output"] == "remote ok"
