"""Step errors, function retries, on_failure, NonRetriableError, RetryAfterError."""

from __future__ import annotations

import datetime

import inngest

from tests.inngest_server import InngestServer, RunStatus

from .conftest import Serve


async def test_step_error_is_retried_then_succeeds(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    calls: list[int] = []

    @client.create_function(
        fn_id="flaky-step", retries=3, trigger=inngest.TriggerEvent(event="test/flaky")
    )
    async def flaky(ctx: inngest.Context) -> str:
        async def body() -> str:
            calls.append(ctx.attempt)
            if len(calls) < 3:
                raise ValueError(f"boom {len(calls)}")
            return "ok"

        return await ctx.step.run("flaky", body)

    async with serve([flaky]):
        await client.send(inngest.Event(name="test/flaky"))
        (run,) = await inngest_server.drain()

    assert run.status is RunStatus.COMPLETED
    assert run.output == "ok"
    assert calls == [0, 1, 2]  # ctx.attempt as the server sent it
    step = run.step("flaky")
    assert (step.op, step.attempts, step.data) == ("StepRun", 3, "ok")
    assert [e.message for e in step.errors] == ["boom 1", "boom 2"]


async def test_step_failing_for_good_raises_step_error_in_function(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    attempts: list[int] = []

    async def always_fails() -> None:
        attempts.append(1)
        raise ValueError("nope")

    @client.create_function(
        fn_id="handled", retries=1, trigger=inngest.TriggerEvent(event="test/handled")
    )
    async def handled(ctx: inngest.Context) -> str:
        try:
            await ctx.step.run("doomed", always_fails)
        except inngest.StepError as err:
            return f"handled {err.name}: {err.message}"
        return "unreachable"

    @client.create_function(
        fn_id="unhandled",
        retries=1,
        trigger=inngest.TriggerEvent(event="test/unhandled"),
    )
    async def unhandled(ctx: inngest.Context) -> None:
        await ctx.step.run("doomed", always_fails)

    async with serve([handled, unhandled]):
        await client.send(
            [inngest.Event(name="test/handled"), inngest.Event(name="test/unhandled")]
        )
        await inngest_server.drain()

    ok = inngest_server.runs_for("handled")[0]
    assert ok.status is RunStatus.COMPLETED
    assert ok.output == "handled ValueError: nope"
    step = ok.step("doomed")
    assert (step.op, step.attempts) == ("StepFailed", 2)
    assert [e.message for e in step.errors] == ["nope", "nope"]
    assert step.error is not None
    assert step.error.message == "nope"

    bad = inngest_server.runs_for("unhandled")[0]
    assert bad.status is RunStatus.FAILED
    assert bad.error is not None
    assert (bad.error.name, bad.error.code) == ("ValueError", "step_errored")
    assert bad.attempts == 1  # a re-raised StepError is not retried
    assert len(attempts) == 4


async def test_function_error_retried_then_on_failure_runs(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    attempts: list[int] = []
    failures: list[dict[str, object]] = []

    async def on_failure(ctx: inngest.Context) -> None:
        failures.append(dict(ctx.event.data))

    @client.create_function(
        fn_id="broken",
        retries=2,
        on_failure=on_failure,
        trigger=inngest.TriggerEvent(event="test/broken"),
    )
    async def broken(ctx: inngest.Context) -> None:
        attempts.append(ctx.attempt)
        raise RuntimeError("always broken")

    async with serve([broken]):
        await client.send(inngest.Event(name="test/broken", data={"k": 1}))
        await inngest_server.drain()

    (run,) = inngest_server.runs_for("broken")
    assert run.status is RunStatus.FAILED
    assert attempts == [0, 1, 2]
    assert run.attempts == 3
    assert run.error is not None
    assert (run.error.name, run.error.message) == ("RuntimeError", "always broken")
    (failed,) = inngest_server.events_named("inngest/function.failed")
    assert failed.data["function_id"] == "harness-test-broken"
    assert failed.data["run_id"] == run.id
    (handler_run,) = inngest_server.runs_for("broken-failure")
    assert handler_run.status is RunStatus.COMPLETED
    assert len(failures) == 1
    assert failures[0]["error"] == run.error.to_dict()
    assert failures[0]["event"]["data"] == {"k": 1}  # type: ignore[index]


async def test_non_retriable_error_gets_one_attempt(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    attempts: list[int] = []

    @client.create_function(
        fn_id="fatal", retries=5, trigger=inngest.TriggerEvent(event="test/fatal")
    )
    async def fatal(ctx: inngest.Context) -> None:
        attempts.append(ctx.attempt)
        raise inngest.NonRetriableError("give up")

    async with serve([fatal]):
        await client.send(inngest.Event(name="test/fatal"))
        (run, *_) = await inngest_server.drain()

    assert run.status is RunStatus.FAILED
    assert attempts == [0]
    assert run.attempts == 1
    assert run.error is not None
    assert run.error.name == "NonRetriableError"


async def test_retry_after_error_records_requested_delay(
    inngest_server: InngestServer, client: inngest.Inngest, serve: Serve
) -> None:
    @client.create_function(
        fn_id="later", retries=1, trigger=inngest.TriggerEvent(event="test/later")
    )
    async def later(ctx: inngest.Context) -> int:
        if ctx.attempt == 0:
            raise inngest.RetryAfterError("busy", datetime.timedelta(seconds=30))
        return ctx.attempt

    async with serve([later]):
        await client.send(inngest.Event(name="test/later"))
        (run,) = await inngest_server.drain(timeout=5)

    assert run.status is RunStatus.COMPLETED
    assert run.output == 1
    assert run.attempts == 2
    assert len(run.retry_after) == 1
    assert 25 <= run.retry_after[0] <= 30
