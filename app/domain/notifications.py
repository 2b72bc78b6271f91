"""Notification batching, digests, quiet hours and reaction rate limits
(domain-methods §5.2, §5.3).

A batch is keyed by (recipient, verb, object); each verb has a window (likes
30 min, comments 10 min, follows 1 day). An action is sent at once only if
nothing was sent for the key within the window before it, no batch is open and
the recipient is outside quiet hours (local time); otherwise it joins the open
batch, or opens one that closes one window after *it* opened (moved out of
quiet hours). The caller flushes a batch when it closes ("B and 4 others liked
your workout"); that digest is a send too. Follows are never sent at once (a
daily digest). An actor who was notified once for a like or follow is dropped
for that key (toggling off and on is silent); undoing a pending action drops it.
"""

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainInputError


class Verb(StrEnum):
    LIKE = "like"  # any reaction; a type change is an upsert, not a new action
    COMMENT = "comment"
    FOLLOW = "follow"


class ActionKind(StrEnum):
    DO = "do"
    UNDO = "undo"


class DecisionKind(StrEnum):
    SEND_NOW = "send_now"
    ADD_TO_BATCH = "add_to_batch"
    REMOVE_FROM_BATCH = "remove_from_batch"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class BatchPolicy:
    window: timedelta
    first_immediate: bool
    notify_actor_once: bool


POLICIES = {
    Verb.LIKE: BatchPolicy(timedelta(minutes=30), True, True),
    Verb.COMMENT: BatchPolicy(timedelta(minutes=10), True, False),
    Verb.FOLLOW: BatchPolicy(timedelta(days=1), False, True),
}
_PHRASES = {
    Verb.LIKE: "liked your {object}",
    Verb.COMMENT: "commented on your {object}",
    Verb.FOLLOW: "started following you",
}


@dataclass(frozen=True, slots=True)
class BatchKey:
    recipient_id: str
    verb: Verb
    object_id: str


@dataclass(frozen=True, slots=True)
class Action:
    key: BatchKey
    actor_id: str
    kind: ActionKind = ActionKind.DO


@dataclass(frozen=True, slots=True)
class BatchState:
    """When the open batch closes (None: no batch open), pending actors (in
    arrival order), everyone notified and when the key last sent anything."""

    key: BatchKey
    window_closes_at: datetime | None = None
    pending_actor_ids: tuple[str, ...] = ()
    notified_actor_ids: frozenset[str] = field(default_factory=frozenset)
    last_sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QuietHours:
    """The recipient's quiet hours, local time (may wrap midnight)."""

    tz: str = "UTC"
    start: time = time(22, 0)
    end: time = time(7, 0)


@dataclass(frozen=True, slots=True)
class Decision:
    """``flush_at``: when the pending batch is due (may be past: flush now);
    None when nothing is pending."""

    kind: DecisionKind
    state: BatchState
    flush_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """``text`` keeps ``{actor}`` (lead actor's display name) and ``{object}``
    (object noun) as placeholders for the caller."""

    key: BatchKey
    lead_actor_id: str
    other_count: int
    actor_ids: tuple[str, ...]
    text: str


def decide_notification(
    state: BatchState | None,
    action: Action,
    now: datetime,
    quiet: QuietHours | None = None,
) -> Decision:
    """Decide what one like/comment/follow (or its undo) does to the batch;
    ``quiet`` holds the recipient's time zone (UTC 22:00-07:00 when None)."""
    _require_aware(now, "now")
    current = state or BatchState(action.key)
    if current.key != action.key:
        raise DomainInputError("state must belong to the action's batch key")
    if action.actor_id == action.key.recipient_id:
        return _decide(DecisionKind.IGNORE, current)
    if action.kind is ActionKind.UNDO:
        return _undo(current, action.actor_id)
    return _do(current, action.actor_id, now, quiet or QuietHours())


def flush_batch(state: BatchState, now: datetime) -> tuple[Digest | None, BatchState]:
    """Close a due window: one digest for the pending actors (None if nothing is
    pending or the window is still open) and the state after it."""
    _require_aware(now, "now")
    closes_at = state.window_closes_at
    if closes_at is None or now < closes_at:
        return None, state
    digest = None
    last_sent_at = state.last_sent_at
    if state.pending_actor_ids:
        digest = render_digest(state.key, state.pending_actor_ids)
        last_sent_at = now
    notified = state.notified_actor_ids | set(state.pending_actor_ids)
    return digest, BatchState(state.key, None, (), notified, last_sent_at)


def render_digest(key: BatchKey, actor_ids: tuple[str, ...]) -> Digest:
    """Digest text: "{actor} liked…", "{actor} and 1 other…" or "… N others…";
    the lead actor is the first to act."""
    actors = tuple(dict.fromkeys(actor_ids))
    if not actors:
        raise DomainInputError("actor_ids must not be empty")
    others = len(actors) - 1
    subject = "{actor}"
    if others:
        subject += f" and {others} other{'s' if others > 1 else ''}"
    text = f"{subject} {_PHRASES[key.verb]}"
    return Digest(key, actors[0], others, actors, text)


def defer_for_quiet_hours(
    send_at: datetime,
    tz: str,
    quiet_start: time = time(22, 0),
    quiet_end: time = time(7, 0),
) -> datetime:
    """Move a send time inside the recipient's quiet hours (local, may wrap
    midnight) to the next local ``quiet_end``; returns UTC."""
    _require_aware(send_at, "send_at")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainInputError("tz must be an IANA time-zone name") from exc
    local = send_at.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    wraps = quiet_start > quiet_end
    if wraps:
        quiet = clock >= quiet_start or clock < quiet_end
    else:
        quiet = quiet_start <= clock < quiet_end
    if not quiet:
        return send_at.astimezone(UTC)
    day = local.date() + timedelta(days=1 if wraps and clock >= quiet_start else 0)
    return datetime.combine(day, quiet_end, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Token buckets: ``burst`` tokens refilled at ``per_minute``, plus an hourly
    bucket of ``per_hour`` tokens refilled at ``per_hour`` per hour."""

    burst: int
    per_minute: float
    per_hour: float


DEFAULT_REACTION_LIMIT = RateLimit(burst=30, per_minute=60.0, per_hour=600.0)
NEW_ACCOUNT_REACTION_LIMIT = RateLimit(burst=10, per_minute=20.0, per_hour=200.0)
NEW_ACCOUNT_AGE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class RateState:
    minute_tokens: float
    hour_tokens: float
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    state: RateState
    retry_after: timedelta | None = None


def choose_reaction_limit(account_created_at: datetime, now: datetime) -> RateLimit:
    """Accounts younger than 7 days get the stricter limit."""
    age = _require_aware(now, "now") - _require_aware(account_created_at, "created_at")
    if age < NEW_ACCOUNT_AGE:
        return NEW_ACCOUNT_REACTION_LIMIT
    return DEFAULT_REACTION_LIMIT


def check_reaction_rate(
    state: RateState | None, limit: RateLimit, now: datetime
) -> RateDecision:
    """Refill both buckets for the elapsed time, then take one token from each;
    refused reactions take nothing and say when a token will be available."""
    _require_aware(now, "now")
    if limit.burst < 1 or limit.per_minute <= 0 or limit.per_hour < 1:
        raise DomainInputError("limit must allow at least one reaction")
    if state is not None:
        _require_aware(state.updated_at, "updated_at")
    minute_rate, hour_rate = limit.per_minute / 60.0, limit.per_hour / 3600.0
    if state is None:
        minute, hour = float(limit.burst), float(limit.per_hour)
    else:
        elapsed = max(0.0, (now - state.updated_at).total_seconds())
        minute = min(float(limit.burst), state.minute_tokens + elapsed * minute_rate)
        hour = min(limit.per_hour, state.hour_tokens + elapsed * hour_rate)
    if minute >= 1.0 and hour >= 1.0:
        return RateDecision(True, RateState(minute - 1.0, hour - 1.0, now))
    wait = max((1.0 - minute) / minute_rate, (1.0 - hour) / hour_rate, 0.0)
    retry_after = timedelta(seconds=math.ceil(wait))
    return RateDecision(False, RateState(minute, hour, now), retry_after)


def _do(state: BatchState, actor_id: str, now: datetime, quiet: QuietHours) -> Decision:
    policy = POLICIES[state.key.verb]
    once = policy.notify_actor_once and actor_id in state.notified_actor_ids
    if once or actor_id in state.pending_actor_ids:
        return _decide(DecisionKind.IGNORE, state)
    if state.window_closes_at is not None:  # a batch is open: join it
        pending = (*state.pending_actor_ids, actor_id)
        joined = replace(state, pending_actor_ids=pending)
        return _decide(DecisionKind.ADD_TO_BATCH, joined)
    last = state.last_sent_at
    recently_sent = last is not None and now - last < policy.window
    quiet_now = defer_for_quiet_hours(now, quiet.tz, quiet.start, quiet.end) != now
    if policy.first_immediate and not recently_sent and not quiet_now:
        notified = state.notified_actor_ids | {actor_id}
        sent = replace(state, notified_actor_ids=notified, last_sent_at=now)
        return _decide(DecisionKind.SEND_NOW, sent)
    closes_at = defer_for_quiet_hours(
        now + policy.window, quiet.tz, quiet.start, quiet.end
    )
    opened = replace(state, window_closes_at=closes_at, pending_actor_ids=(actor_id,))
    return _decide(DecisionKind.ADD_TO_BATCH, opened)


def _undo(state: BatchState, actor_id: str) -> Decision:
    if actor_id not in state.pending_actor_ids:
        return _decide(DecisionKind.IGNORE, state)
    pending = tuple(a for a in state.pending_actor_ids if a != actor_id)
    remaining = replace(state, pending_actor_ids=pending)
    return _decide(DecisionKind.REMOVE_FROM_BATCH, remaining)


def _decide(kind: DecisionKind, state: BatchState) -> Decision:
    flush_at = state.window_closes_at if state.pending_actor_ids else None
    return Decision(kind, state, flush_at)


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainInputError(f"{name} must be timezone-aware")
    return moment
