"""Plain runs, sequential steps and parallel steps."""

from __future__ import annotations

import inngest

from tests.inngest_server import InngestServer, RunStatus

from .conftest import Serve


async def test_plain_run_returns_value(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="plain", trigger=inngest.TriggerEvent(event="test/plain")
    )
    async def plain(ctx: inngest.Context) -> str:
        return f"hello {ctx.event.data['name']}"

    async with serve([plain]):
        ids = await client.send(inngest.Event(name="test/plain", data={"name": "ada"}))
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == "hello ada"
    assert run.attempts == 1
    assert run.event.internal_id == ids[0]
    assert all(call.signature_ok for call in run.calls)
    assert (
        inngest_server.events_named("inngest/function.finished")[0].data["result"]
        == "hello ada"
    )


async def test_sequential_steps_are_memoised_in_order(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    executed: list[str] = []

    @client.create_function(fn_id="seq", trigger=inngest.TriggerEvent(event="test/seq"))
    async def seq(ctx: inngest.Context) -> list[int]:
        async def body(name: str, value: int) -> int:
            executed.append(name)
            return value

        a = await ctx.step.run("a", body, "a", 1)
        b = await ctx.step.run("b", body, "b", a + 1)
        c = await ctx.step.run("c", body, "c", b + 1)
        return [a, b, c]

    async with serve([seq]):
        await client.send(inngest.Event(name="test/seq"))
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == [1, 2, 3]
    assert executed == ["a", "b", "c"]
    assert run.step_names() == ["a", "b", "c"]
    assert [s.data for s in run.steps] == [1, 2, 3]
    assert [s.op for s in run.steps] == ["StepRun"] * 3
    assert [s.attempts for s in run.steps] == [1, 1, 1]


async def test_parallel_steps_are_planned_then_targeted(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    executed: list[str] = []

    @client.create_function(fn_id="par", trigger=inngest.TriggerEvent(event="test/par"))
    async def par(ctx: inngest.Context) -> list[str]:
        async def body(name: str) -> str:
            executed.append(name)
            return name.upper()

        results = await ctx.group.parallel(
            (
                lambda: ctx.step.run("x", body, "x"),
                lambda: ctx.step.run("y", body, "y"),
            )
        )
        after = await ctx.step.run("after", body, "after")
        return [*results, after]

    async with serve([par]):
        await client.send(inngest.Event(name="test/par"))
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == ["X", "Y", "AFTER"]
    assert sorted(executed) == ["after", "x", "y"]
    assert executed[-1] == "after"
    assert sorted(run.step_names()[:2]) == ["x", "y"]
    planned = [c for c in run.calls if c.ops == ["StepPlanned", "StepPlanned"]]
    assert len(planned) == 1
    targeted = [c for c in run.calls if c.step_id not in ("step",)]
    assert len(targeted) == 2
