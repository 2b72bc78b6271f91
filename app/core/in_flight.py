"""HTTP requests this process is serving right now (API and /api/inngest).

The in-process outbox relay waits for a moment with none in flight before it
claims or marks rows (bounded), so its database writes and CPU land between
requests instead of on one: on SQLite a request that meets a relay transaction
waits for it, and on one core the relay's work is the request's delay.
"""

from __future__ import annotations

import asyncio


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    def started(self) -> None:
        self._count += 1
        self._idle.clear()

    def finished(self) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()

    async def wait_idle(self, max_s: float) -> bool:
        """Until no request is in flight, at most `max_s`; True if idle."""
        if self._count == 0:
            return True
        if max_s <= 0:
            return False
        try:
            async with asyncio.timeout(max_s):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
