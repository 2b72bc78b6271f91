"""Signatures seen inside the freshness window, so a replay is refused.

Keyed on the MAC, the one thing the signature authenticates (body and `t`):
the header is canonical (app/jobs/signature_freshness.py), so one MAC has one
spelling, and the query cannot make a replay look new. A MAC is bound to the
first target it was used for (method + `fnId`): the same MAC for another
function is refused; for another step of the same function it is allowed once
per step (Inngest calls planned parallel steps with one body, maybe in one
second).

A MAC is reserved when its request arrives and forgotten again if the SDK
then refuses the request (401: the MAC did not verify), so only verified MACs
stay. An entry can expire once its `t` is out of the window, because the
freshness check refuses it from then on.

Two stores behind `INNGEST_REPLAY_CACHE`: `memory` (this module, per process)
and `database` (app/db/repositories/seen_signatures.py, shared by replicas).

Memory: expiries go in a queue in arrival order, not a heap: signatures
arrive with `t` nearly in order, so the front is (nearly) the oldest, and an
entry that arrived out of order is dropped at most a few seconds late (the
freshness check refuses it by then anyway).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Protocol

MAX_ENTRIES = 100_000


class ReplayStore(Protocol):
    async def reserve(
        self, mac: str, target: str, step: str, expires: float, now: float
    ) -> bool:
        """False when `mac` was used for this step or for another target."""
        ...

    async def forget(self, mac: str, target: str, step: str) -> None: ...


@dataclasses.dataclass
class _Entry:
    target: str
    steps: set[str]
    expires: float


class SeenSignatures:
    """The per-process store."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._queue: deque[tuple[float, str]] = deque()

    def __len__(self) -> int:
        return len(self._entries)

    async def reserve(
        self, mac: str, target: str, step: str, expires: float, now: float
    ) -> bool:
        return self.reserve_now(mac, target, step, expires, now)

    def reserve_now(
        self, mac: str, target: str, step: str, expires: float, now: float
    ) -> bool:
        self._evict(now)
        entry = self._entries.get(mac)
        if entry is not None:
            if entry.target != target or step in entry.steps:
                return False
            entry.steps.add(step)
            return True
        self._entries[mac] = _Entry(target, {step}, expires)
        self._queue.append((expires, mac))
        while len(self._entries) > self._max_entries:
            _, oldest = self._queue.popleft()
            self._entries.pop(oldest, None)
        return True

    async def forget(self, mac: str, target: str, step: str) -> None:
        entry = self._entries.get(mac)
        if entry is None or entry.target != target:
            return
        entry.steps.discard(step)
        if not entry.steps:
            del self._entries[mac]

    def _evict(self, now: float) -> None:
        queue = self._queue
        while queue and queue[0][0] < now:
            expires, mac = queue.popleft()
            entry = self._entries.get(mac)
            if entry is not None and entry.expires == expires:
                del self._entries[mac]
