"""Fixtures of the fault suite; the helpers are in tests/faults/harness.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.event_api import FakeEventApi
from tests.faults.harness import EVENT_KEY
from tests.support.serving import LoopbackServer


@pytest.fixture
async def event_api() -> AsyncIterator[tuple[FakeEventApi, LoopbackServer]]:
    fake = FakeEventApi(EVENT_KEY)
    server = LoopbackServer(fake.app, lifespan="off")
    await server.start()
    try:
        yield fake, server
    finally:
        await server.stop()
