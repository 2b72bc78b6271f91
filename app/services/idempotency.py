"""`Idempotency-Key`: a write repeated with the same key gets the first answer.

Per principal, for 24 h (`IDEMPOTENCY_WINDOW`): the first request claims the
key in its own short transaction (committed before the route runs, so a
concurrent repeat sees it), and its answer is stored once it is known. A
repeat with the same request (method, path, query and body digest) gets that
answer; with another request, 422 `idempotency_key_reused`; while the first
is still running, 409 `idempotency_key_in_progress`. A 5xx answer or a crash
frees the key again (the client may retry). Each stored answer also deletes
up to `PURGE_PER_WRITE` records past the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.core.errors import AppError, ConflictError
from app.db.repositories import idempotency as repo
from app.db.session import SessionMaker
from app.services import clock

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)
MAX_STORED_BODY = 1024 * 1024
PURGE_PER_WRITE = 20


class IdempotencyKeyReusedError(AppError):
    status_code = 422
    code = "idempotency_key_reused"


class IdempotencyKeyInProgressError(ConflictError):
    code = "idempotency_key_in_progress"


@dataclasses.dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    content_type: str | None
    body: bytes


async def begin(
    sessionmaker: SessionMaker, principal_id: str, key: str, fingerprint: str
) -> StoredAnswer | None:
    """None: the caller runs the request (the key is now claimed); else the
    stored answer to send again."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        row = await repo.get(session, principal_id, key)
        if row is not None and row.created_at < now - IDEMPOTENCY_WINDOW:
            await repo.remove(session, principal_id, key)
            await session.flush()
            row = None
        if row is None:
            if await repo.claim(session, principal_id, key, fingerprint, now):
                return None
            row = await repo.get(session, principal_id, key)  # a concurrent claim
        if row is None or row.fingerprint != fingerprint:
            raise IdempotencyKeyReusedError()
        if row.status_code is None:
            raise IdempotencyKeyInProgressError()
        return StoredAnswer(row.status_code, row.content_type, row.body or b"")


async def finish(
    sessionmaker: SessionMaker,
    principal_id: str,
    key: str,
    answer: StoredAnswer | None,
) -> None:
    """Store the answer; None (a 5xx, a crash, too large to keep) frees the key.
    A few records past the window go too (no cron needed, nothing kept long)."""
    async with sessionmaker() as session, session.begin():
        await repo.delete_created_before(
            session, clock.now() - IDEMPOTENCY_WINDOW, PURGE_PER_WRITE
        )
        if answer is None or answer.status_code >= 500:
            await repo.remove(session, principal_id, key)
        else:
            await repo.save_answer(
                session,
                principal_id,
                key,
                status_code=answer.status_code,
                content_type=answer.content_type,
                body=answer.body,
            )
