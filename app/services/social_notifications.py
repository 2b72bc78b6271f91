"""Batched social notifications per (recipient, verb, object) (§5.2).

The domain decides (``notifications``): a like is sent at once only if
nothing was sent for its key in the last 30 minutes, no batch is open and the
recipient (in their own time zone) is outside quiet hours; otherwise it joins
the open batch or opens one that closes 30 minutes after it opened, flushed as
one digest ("{actor} and 4 others liked your workout"). An actor is never
notified twice for the same like or follow (toggling is silent); undoing a
pending action drops it. Each
batch row is updated under a version check, and every delivered notification
has a dedupe key, so replays and concurrent workers add nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.social_notification import NotificationBatch, SocialNotification
from app.db.repositories import member as member_repo
from app.db.repositories import social as social_repo
from app.db.repositories import social_notifications as repo
from app.domain import notifications as nt
from app.domain.notifications import ActionKind, DecisionKind, Verb
from app.services import clock

FLUSH_BATCH_LIMIT = 500
DUPLICATE = "duplicate"  # the interaction event was applied already


class BatchConflictError(RuntimeError):
    """Another worker changed the batch first: retry (transient)."""

    def __init__(self) -> None:
        super().__init__("notification_batch_conflict")


async def record_interaction(
    session: AsyncSession,
    *,
    interaction_id: uuid.UUID,
    verb: Verb,
    kind: ActionKind,
    actor_id: uuid.UUID,
    recipient_id: uuid.UUID,
    object_id: uuid.UUID,
) -> str:
    """Apply one action to its batch, once per interaction; returns the decision
    code (`duplicate` when this interaction event was applied already)."""
    now = clock.now()
    if not await repo.claim_interaction(
        session, interaction_id, kind.value, recipient_id, now
    ):
        return DUPLICATE
    batch = await repo.get_or_create_batch(
        session, recipient_id, verb.value, str(object_id)
    )
    state = _state(batch)
    recipient = await member_repo.get_member(session, recipient_id)
    quiet = nt.QuietHours(recipient.timezone if recipient else "UTC")
    decision = nt.decide_notification(
        state, nt.Action(state.key, str(actor_id), kind), now, quiet
    )
    if decision.kind is DecisionKind.IGNORE:
        return decision.kind.value
    new_state = decision.state
    if decision.kind is DecisionKind.SEND_NOW:
        digest = nt.render_digest(state.key, (str(actor_id),))
        await _deliver(session, digest, f"now:{actor_id}:{_stamp(now)}", now)
    if decision.flush_at is not None and decision.flush_at <= now:
        new_state = await _flush(session, new_state, now)
    await _save(session, batch, new_state)
    return decision.kind.value


async def flush_due(
    session: AsyncSession, *, recipient_id: uuid.UUID | None = None
) -> int:
    """Close every due window: one digest per batch with pending actors."""
    now = clock.now()
    batches = await repo.list_due_batches(
        session, now, limit=FLUSH_BATCH_LIMIT, recipient_id=recipient_id
    )
    sent = 0
    for batch in batches:
        state = _state(batch)
        try:
            async with session.begin_nested():
                await _save(session, batch, await _flush(session, state, now))
        except BatchConflictError:
            continue  # changed meanwhile: its new owner flushes it
        sent += len(state.pending_actor_ids) > 0
    return sent


async def list_notifications(
    session: AsyncSession,
    recipient_id: uuid.UUID,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    limit: int,
) -> list[SocialNotification]:
    """The recipient's notifications, newest first; due windows are closed
    first, so a digest is visible as soon as it is due, in either job mode."""
    await flush_due(session, recipient_id=recipient_id)
    return await repo.list_notifications(
        session, recipient_id, after=after, limit=limit
    )


async def _flush(
    session: AsyncSession, state: nt.BatchState, now: dt.datetime
) -> nt.BatchState:
    closes = state.window_closes_at
    digest, closed = nt.flush_batch(state, now)
    if digest is not None:
        await _deliver(session, digest, f"digest:{_stamp(closes)}", now)
    return closed


async def _deliver(
    session: AsyncSession, digest: nt.Digest, key: str, now: dt.datetime
) -> None:
    noun = await _object_noun(session, digest.key)
    await repo.add_notification_once(
        session,
        {
            "recipient_id": uuid.UUID(digest.key.recipient_id),
            "verb": digest.key.verb.value,
            "object_id": digest.key.object_id,
            "lead_actor_id": digest.lead_actor_id,
            "actor_ids": list(digest.actor_ids),
            "other_count": digest.other_count,
            "text": digest.text.replace("{object}", noun),
            "dedupe_key": f"{digest.key.verb.value}:{digest.key.object_id}:{key}",
            "created_at": now,
        },
    )


async def _object_noun(session: AsyncSession, key: nt.BatchKey) -> str:
    if key.verb is Verb.FOLLOW:
        return ""
    post = await social_repo.get_post(session, uuid.UUID(key.object_id))
    return "workout" if post is not None and post.kind == "workout" else "post"


def _state(batch: NotificationBatch) -> nt.BatchState:
    key = nt.BatchKey(str(batch.recipient_id), Verb(batch.verb), batch.object_id)
    return nt.BatchState(
        key,
        batch.window_closes_at,
        tuple(batch.pending_actor_ids),
        frozenset(batch.notified_actor_ids),
        batch.last_sent_at,
    )


async def _save(
    session: AsyncSession, batch: NotificationBatch, state: nt.BatchState
) -> None:
    saved = await repo.save_batch(
        session,
        batch,
        {
            "window_closes_at": state.window_closes_at,
            "pending_actor_ids": list(state.pending_actor_ids),
            "notified_actor_ids": sorted(state.notified_actor_ids),
            "last_sent_at": state.last_sent_at,
        },
    )
    if not saved:
        raise BatchConflictError()


def _stamp(moment: dt.datetime | None) -> str:
    return "none" if moment is None else moment.isoformat()
