"""The replay store in the database (`INNGEST_REPLAY_CACHE=database`), shared
by every replica on the same database.

One statement per call: an upsert that inserts the MAC, or adds the step to
its row when the row is bound to the same target and lacks that step, and
returns a row only then. The row lock of `ON CONFLICT` makes two concurrent
uses of one MAC (on any replicas) end with exactly one accepted. Expired rows
are deleted at most once per `PURGE_EVERY_S` per process. On PostgreSQL the
store runs on its own autocommit engine (`create_autocommit_engine`).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PURGE_EVERY_S = 60.0
_UPSERT = """
INSERT INTO inngest_seen_signatures (mac, target, steps, expires_at)
VALUES (:mac, :target, :marker, :expires)
ON CONFLICT (mac) DO UPDATE
SET steps = inngest_seen_signatures.steps || :tail
WHERE inngest_seen_signatures.target = :target
AND {position}(inngest_seen_signatures.steps, :marker) = 0
RETURNING 1
"""
_PURGE = text("DELETE FROM inngest_seen_signatures WHERE expires_at < :now")
_UNMARK = text(
    "UPDATE inngest_seen_signatures SET steps = replace(steps, :marker, ',')"
    " WHERE mac = :mac AND target = :target"
)
_DROP_EMPTY = text(
    "DELETE FROM inngest_seen_signatures WHERE mac = :mac AND steps = ','"
)


class DatabaseSeenSignatures:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        position = "strpos" if engine.dialect.name == "postgresql" else "instr"
        self._upsert = text(_UPSERT.format(position=position))
        self._next_purge = 0.0

    async def reserve(
        self, mac: str, target: str, step: str, expires: float, now: float
    ) -> bool:
        params = {
            "mac": mac,
            "target": target,
            "marker": f",{step},",
            "tail": f"{step},",
            "expires": int(expires),
        }
        async with self._engine.begin() as conn:
            if now >= self._next_purge:
                self._next_purge = now + PURGE_EVERY_S
                await conn.execute(_PURGE, {"now": int(now)})
            accepted = (await conn.execute(self._upsert, params)).first()
        return accepted is not None  # (autocommit engine: begin() adds no BEGIN)

    async def forget(self, mac: str, target: str, step: str) -> None:
        params = {"mac": mac, "target": target, "marker": f",{step},"}
        async with self._engine.begin() as conn:
            await conn.execute(_UNMARK, params)
            await conn.execute(_DROP_EMPTY, {"mac": mac})
