"""Trigger routing: wildcards, expressions, de-duplication, cron."""

from __future__ import annotations

import datetime

import httpx
import inngest

from tests.inngest_server import InngestServer, RunStatus

from .conftest import Serve


async def test_wildcard_and_expression_triggers(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="all-orders", trigger=inngest.TriggerEvent(event="shop/order.*")
    )
    async def all_orders(ctx: inngest.Context) -> str:
        return ctx.event.name

    @client.create_function(
        fn_id="all-shop", trigger=inngest.TriggerEvent(event="shop/*")
    )
    async def all_shop(ctx: inngest.Context) -> str:
        return ctx.event.name

    @client.create_function(
        fn_id="big-orders",
        trigger=[
            inngest.TriggerEvent(
                event="shop/order.created", expression="event.data.total >= 100"
            ),
            inngest.TriggerEvent(
                event="shop/order.*", expression="event.data.vip == true"
            ),
        ],
    )
    async def big_orders(ctx: inngest.Context) -> object:
        return ctx.event.data["total"]

    async with serve([all_orders, all_shop, big_orders]):
        await client.send(
            [
                inngest.Event(
                    name="shop/order.created", data={"total": 150, "vip": True}
                ),
                inngest.Event(name="shop/order.created", data={"total": 5}),
                inngest.Event(name="shop/refund.created", data={}),
                inngest.Event(name="other/order.created", data={}),
            ]
        )
        await inngest_server.drain()

    assert [r.output for r in inngest_server.runs_for("all-orders")] == [
        "shop/order.created"
    ] * 2
    assert len(inngest_server.runs_for("all-shop")) == 3
    # one run per event even though both triggers matched the first event
    assert [r.output for r in inngest_server.runs_for("big-orders")] == [150]


async def test_event_id_deduplicated_per_function(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="first", trigger=inngest.TriggerEvent(event="test/dedupe")
    )
    async def first(ctx: inngest.Context) -> None:
        return None

    @client.create_function(
        fn_id="second", trigger=inngest.TriggerEvent(event="test/dedupe")
    )
    async def second(ctx: inngest.Context) -> None:
        return None

    async with serve([first, second]):
        one = await client.send(inngest.Event(name="test/dedupe", id="order-1"))
        two = await client.send(inngest.Event(name="test/dedupe", id="order-1"))
        await client.send(inngest.Event(name="test/dedupe", id="order-2"))
        await inngest_server.drain()

    assert one != two  # internal ids differ; both events are recorded
    assert len(inngest_server.events_named("test/dedupe")) == 3
    assert sorted(r.event.id for r in inngest_server.runs_for("first")) == [
        "order-1",
        "order-2",
    ]
    assert len(inngest_server.runs_for("second")) == 2


async def test_cron_fired_on_demand(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="nightly", trigger=inngest.TriggerCron(cron="0 3 * * *")
    )
    async def nightly(ctx: inngest.Context) -> object:
        return ctx.event.data["cron"]

    async with serve([nightly]):
        tick = datetime.datetime(2026, 1, 2, 3, 0, tzinfo=datetime.UTC)
        inngest_server.fire_cron("nightly", at=tick)
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == "0 3 * * *"
    assert run.event.name == "inngest/scheduled.timer"
    assert run.event.id == "2026-01-02T03:00:00Z"


async def test_event_api_contract(inngest_server: InngestServer) -> None:
    async with httpx.AsyncClient(base_url=inngest_server.url) as http:
        ok = await http.post(
            "/e/test-event-key", json=[{"name": "a/b", "data": {"_inngest": 1, "x": 1}}]
        )
        unknown = await http.post("/e/wrong-key", json={"name": "a/b"})
        reserved = await http.post(
            "/e/test-event-key", json=[{"name": "a/ok"}, {"name": "inngest/x"}]
        )

    assert ok.status_code == 200
    assert ok.headers["x-inngest-server-kind"] == "cloud"
    assert ok.json()["status"] == 200
    assert len(ok.json()["ids"]) == 1
    assert inngest_server.events[0].data == {"x": 1}  # data._inngest stripped
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "Event key not found"
    assert reserved.status_code == 400
    assert len(reserved.json()["ids"]) == 1


async def test_idempotency_expression_allows_one_run_per_key(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="once-per-user",
        idempotency="event.data.user",
        trigger=inngest.TriggerEvent(event="test/idem"),
    )
    async def once(ctx: inngest.Context) -> object:
        return ctx.event.data["user"]

    async with serve([once]):
        await client.send(
            [
                inngest.Event(name="test/idem", data={"user": "a"}),
                inngest.Event(name="test/idem", data={"user": "a"}),
                inngest.Event(name="test/idem", data={"user": "b"}),
            ]
        )
        await inngest_server.drain()

    assert [r.output for r in inngest_server.runs_for("once-per-user")] == ["a", "b"]
