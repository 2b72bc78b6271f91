"""InFlight: the count of requests being served, and waiting for none."""

from __future__ import annotations

import asyncio

from app.core.in_flight import InFlight


async def test_idle_at_once_when_nothing_is_in_flight() -> None:
    assert await InFlight().wait_idle(0.0)


async def test_waits_until_the_last_request_ends() -> None:
    in_flight = InFlight()
    first, second = in_flight.track(), in_flight.track()
    first.__enter__()
    second.__enter__()
    waiter = asyncio.create_task(in_flight.wait_idle(30.0))
    first.__exit__(None, None, None)
    await asyncio.sleep(0)
    assert not waiter.done()  # one still in flight
    second.__exit__(None, None, None)
    assert await waiter
    assert in_flight.count == 0


async def test_gives_up_after_max_wait_and_counts_failed_requests_out() -> None:
    in_flight = InFlight()
    try:
        with in_flight.track():
            assert not await in_flight.wait_idle(0.01)  # bounded: never stuck
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert in_flight.count == 0
    assert await in_flight.wait_idle(0.0)
