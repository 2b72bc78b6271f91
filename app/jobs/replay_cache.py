"""Signatures seen inside the freshness window, so an exact replay is refused.

A fresh signature is reserved when its request arrives and forgotten again if
the SDK then refuses the request (a forged MAC never fills the cache). An
entry can expire once its `t` is out of the window, because the freshness
check refuses it from then on. The cache is per process: with several
processes an exact replay may reach another one, so idempotent workers remain
the real guard (reliability.md S3).
"""

from __future__ import annotations

import hashlib
import heapq

MAX_ENTRIES = 100_000


class SeenSignatures:
    def __init__(self, tolerance_s: int, max_entries: int = MAX_ENTRIES) -> None:
        self._tolerance_s = tolerance_s
        self._max_entries = max_entries
        self._expiry: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._expiry)

    @staticmethod
    def key(method: str, target: bytes, signature: str) -> str:
        """One request: the signature (it covers body and `t`) and the URL.

        The URL is part of the key because Inngest may call several steps of
        one run with the same body in the same second (`?stepId=` differs).
        """
        digest = hashlib.sha256()
        for part in (method.encode(), target, signature.encode()):
            digest.update(len(part).to_bytes(4, "big") + part)
        return digest.hexdigest()

    def reserve(self, key: str, timestamp: int, now: float) -> bool:
        """False when `key` was seen (a replay); otherwise remember it."""
        self._evict(now)
        if key in self._expiry:
            return False
        expires = float(timestamp + self._tolerance_s + 1)
        self._expiry[key] = expires
        heapq.heappush(self._queue, (expires, key))
        while len(self._expiry) > self._max_entries:
            _, oldest = heapq.heappop(self._queue)
            self._expiry.pop(oldest, None)
        return True

    def forget(self, key: str) -> None:
        self._expiry.pop(key, None)

    def _evict(self, now: float) -> None:
        while self._queue and self._queue[0][0] < now:
            expires, key = heapq.heappop(self._queue)
            if self._expiry.get(key) == expires:
                del self._expiry[key]
