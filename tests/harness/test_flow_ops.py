"""Sleep, wait_for_event, invoke, send_event and cancellation."""

from __future__ import annotations

import datetime
import time

import inngest
import pytest

from tests.inngest_server import DrainTimeoutError, InngestServer, RunStatus

from .conftest import Serve


async def test_sleep_is_fast_forwarded(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="sleepy", trigger=inngest.TriggerEvent(event="test/sleepy")
    )
    async def sleepy(ctx: inngest.Context) -> str:
        await ctx.step.sleep("nap", datetime.timedelta(hours=1))
        return "awake"

    async with serve([sleepy]):
        await client.send(inngest.Event(name="test/sleepy"))
        started = time.monotonic()
        (run,) = await inngest_server.drain(timeout=5)

    assert time.monotonic() - started < 3
    assert run.status is RunStatus.COMPLETED
    assert run.output == "awake"
    nap = run.step("nap")
    assert nap.op == "Sleep"
    assert nap.delay is not None
    assert 3500 < nap.delay <= 3600


async def test_wait_for_event_matched_by_later_event(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="waiter", trigger=inngest.TriggerEvent(event="test/order.created")
    )
    async def waiter(ctx: inngest.Context) -> object:
        paid = await ctx.step.wait_for_event(
            "paid",
            event="test/order.paid",
            if_exp="async.data.order == event.data.order",
            timeout=datetime.timedelta(minutes=10),
        )
        return None if paid is None else paid.data["amount"]

    async with serve([waiter]):
        await client.send(
            inngest.Event(name="test/order.created", data={"order": "o1"})
        )
        await inngest_server.wait_for_pause("waiter", timeout=5)
        await client.send(
            inngest.Event(name="test/order.paid", data={"order": "other", "amount": 1})
        )
        await client.send(
            inngest.Event(name="test/order.paid", data={"order": "o1", "amount": 42})
        )
        (run,) = await inngest_server.drain(timeout=5)

    assert run.status is RunStatus.COMPLETED
    assert run.output == 42
    assert run.step("paid").op == "WaitForEvent"


async def test_wait_for_event_times_out(client: inngest.Inngest) -> None:
    from .conftest import build_app, make_client

    async with InngestServer(wait_timeout_cap=0.2) as server:
        local = make_client(server)

        @local.create_function(
            fn_id="waiter", trigger=inngest.TriggerEvent(event="test/wait")
        )
        async def waiter(ctx: inngest.Context) -> str:
            got = await ctx.step.wait_for_event(
                "never", event="test/never", timeout=datetime.timedelta(days=1)
            )
            return "timed out" if got is None else "matched"

        async with server.attach(build_app(local, [waiter])):
            await local.send(inngest.Event(name="test/wait"))
            (run,) = await server.drain(timeout=5)

    assert run.output == "timed out"
    assert run.step("never").delay == 86400


async def test_invoke_returns_result_of_other_function(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="double", trigger=inngest.TriggerEvent(event="test/never-sent")
    )
    async def double(ctx: inngest.Context) -> int:
        return int(ctx.event.data["n"]) * 2  # type: ignore[arg-type]

    @client.create_function(
        fn_id="caller", trigger=inngest.TriggerEvent(event="test/call")
    )
    async def caller(ctx: inngest.Context) -> int:
        return await ctx.step.invoke("call-double", function=double, data={"n": 21})

    async with serve([double, caller]):
        await client.send(inngest.Event(name="test/call"))
        await inngest_server.drain()

    (run,) = inngest_server.runs_for("caller")
    assert run.status is RunStatus.COMPLETED
    assert run.output == 42
    (child,) = inngest_server.runs_for("double")
    assert child.event.name == "inngest/function.invoked"
    assert child.correlation_id is not None
    assert child.correlation_id.startswith(run.id)
    assert run.step("call-double").op == "InvokeFunction"


async def test_send_event_routes_to_second_function(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    received: list[object] = []

    @client.create_function(
        fn_id="producer", trigger=inngest.TriggerEvent(event="test/produce")
    )
    async def producer(ctx: inngest.Context) -> list[str]:
        return await ctx.step.send_event(
            "emit", inngest.Event(name="test/consume", data={"x": 7})
        )

    @client.create_function(
        fn_id="consumer", trigger=inngest.TriggerEvent(event="test/consume")
    )
    async def consumer(ctx: inngest.Context) -> None:
        received.append(ctx.event.data["x"])

    async with serve([producer, consumer]):
        await client.send(inngest.Event(name="test/produce"))
        await inngest_server.drain()

    (prod,) = inngest_server.runs_for("producer")
    (cons,) = inngest_server.runs_for("consumer")
    assert prod.status is cons.status is RunStatus.COMPLETED
    assert prod.output == [cons.event.internal_id]
    assert received == [7]


async def test_cancel_event_cancels_sleeping_run(client: inngest.Inngest) -> None:
    from .conftest import build_app, make_client

    async with InngestServer(sleep_cap=5.0, sleep_scale=1.0) as server:
        local = make_client(server)

        @local.create_function(
            fn_id="cancellable",
            cancel=[
                inngest.Cancel(
                    event="test/stop", if_exp="async.data.id == event.data.id"
                )
            ],
            trigger=inngest.TriggerEvent(event="test/start"),
        )
        async def cancellable(ctx: inngest.Context) -> str:
            await ctx.step.sleep("long", datetime.timedelta(seconds=30))
            return "finished"

        async with server.attach(build_app(local, [cancellable])):
            await local.send(inngest.Event(name="test/start", data={"id": 1}))
            await server.wait_until(
                lambda: bool(server.runs_for("cancellable")[0].calls), timeout=5
            )
            await local.send(inngest.Event(name="test/stop", data={"id": 1}))
            await server.drain(timeout=5)

    (run,) = server.runs_for("cancellable")
    assert run.status is RunStatus.CANCELLED
    assert len(server.events_named("inngest/function.cancelled")) == 1


async def test_drain_timeout_lists_unfinished_runs(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="stuck", trigger=inngest.TriggerEvent(event="test/stuck")
    )
    async def stuck(ctx: inngest.Context) -> None:
        await ctx.step.wait_for_event("w", event="test/none", timeout=60_000)

    async with serve([stuck]):
        await client.send(inngest.Event(name="test/stuck"))
        with pytest.raises(DrainTimeoutError, match="harness-test-stuck") as info:
            await inngest_server.drain(timeout=0.3)
        assert [r.function_id for r in info.value.unfinished] == ["harness-test-stuck"]
        inngest_server.send("test/none")
        await inngest_server.drain()
