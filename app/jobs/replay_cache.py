"""Signatures seen inside the freshness window, so an exact replay is refused.

A fresh signature is reserved when its request arrives and forgotten again if
the SDK then refuses the request (a forged MAC never fills the cache). An
entry can expire once its `t` is out of the window, because the freshness
check refuses it from then on. The cache is per process: with several
processes an exact replay may reach another one, so idempotent workers remain
the real guard (reliability.md S3).

Expiries go in a queue in arrival order, not a heap: signatures arrive with
`t` nearly in order, so the front is (nearly) the oldest, and an entry that
arrived out of order is dropped at most a few seconds late (the freshness
check refuses it by then anyway). Appending costs no comparisons; with a heap
every push compared tuples whose expiries were equal within a second.
"""

from __future__ import annotations

from collections import deque

MAX_ENTRIES = 100_000
# One request: method, path, raw query string and the signature header.
Key = tuple[str, str, bytes, str]


class SeenSignatures:
    def __init__(self, tolerance_s: int, max_entries: int = MAX_ENTRIES) -> None:
        self._tolerance_s = tolerance_s
        self._max_entries = max_entries
        self._expiry: dict[Key, float] = {}
        self._queue: deque[tuple[float, Key]] = deque()

    def __len__(self) -> int:
        return len(self._expiry)

    @staticmethod
    def key(method: str, path: str, query: bytes, signature: str) -> Key:
        """One request: the signature (it covers body and `t`) and the URL.

        The URL is part of the key because Inngest may call several steps of
        one run with the same body in the same second (`?stepId=` differs).
        A tuple, not a digest: nothing to compute, and the parts cannot run
        into each other.
        """
        return (method, path, query, signature)

    def reserve(self, key: Key, timestamp: int, now: float) -> bool:
        """False when `key` was seen (a replay); otherwise remember it."""
        self._evict(now)
        if key in self._expiry:
            return False
        expires = float(timestamp + self._tolerance_s + 1)
        self._expiry[key] = expires
        self._queue.append((expires, key))
        while len(self._expiry) > self._max_entries:
            _, oldest = self._queue.popleft()
            self._expiry.pop(oldest, None)
        return True

    def forget(self, key: Key) -> None:
        self._expiry.pop(key, None)

    def _evict(self, now: float) -> None:
        queue = self._queue
        while queue and queue[0][0] < now:
            expires, key = queue.popleft()
            if self._expiry.get(key) == expires:
                del self._expiry[key]
