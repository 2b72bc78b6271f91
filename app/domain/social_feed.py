"""Activity-feed planning (domain-methods §5.1): hybrid fan-out, timeline cap,
read-time merge with visibility checks and keyset pagination.

Ordinary authors are pushed (fan-out on write) into each follower's timeline in
chunks of 1,000, idempotent on ``(timeline_owner, activity_id)``; authors with
more than 5,000 followers are pulled at read time. Timelines keep the newest 500
entries. Strava-sourced activities reach only the member who connected them.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .cursor import Cursor, decode_cursor, encode_cursor
from .errors import DomainInputError

TIMELINE_CAP = 500
PULL_FOLLOWER_THRESHOLD = 5_000
FANOUT_CHUNK_SIZE = 1_000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ActivitySource(StrEnum):
    APP = "app"
    STRAVA = "strava"
    WEARABLE = "wearable"


class FanoutMode(StrEnum):
    PUSH = "push"  # write into every follower's timeline
    PULL = "pull"  # followers merge the author's posts at read time
    PRIVATE = "private"  # the author's own timeline only (Strava)


@dataclass(frozen=True, slots=True)
class FeedActivity:
    activity_id: str
    author_id: str
    created_at: datetime
    source: ActivitySource = ActivitySource.APP


@dataclass(frozen=True, slots=True)
class FanoutPlan:
    """Timeline owners to write, one chunk per background step; the author's
    own timeline always comes first."""

    mode: FanoutMode
    chunks: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class TimelineTrim:
    kept: tuple[FeedActivity, ...]  # newest first
    dropped: tuple[FeedActivity, ...]  # the oldest, beyond the cap


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: tuple[FeedActivity, ...]
    next_cursor: str | None


def choose_fanout_mode(
    activity: FeedActivity,
    follower_count: int,
    threshold: int = PULL_FOLLOWER_THRESHOLD,
) -> FanoutMode:
    """Strava → private; more than ``threshold`` followers → pull; else push."""
    if follower_count < 0:
        raise DomainInputError("follower_count must not be negative")
    if activity.source is ActivitySource.STRAVA:
        return FanoutMode.PRIVATE
    return FanoutMode.PULL if follower_count > threshold else FanoutMode.PUSH


def chunk_ids(
    ids: Iterable[str], chunk_size: int = FANOUT_CHUNK_SIZE
) -> tuple[tuple[str, ...], ...]:
    """Split ids into chunks of at most ``chunk_size``, first occurrence kept."""
    if chunk_size < 1:
        raise DomainInputError("chunk_size must be at least 1")
    unique = tuple(dict.fromkeys(ids))
    return tuple(unique[i : i + chunk_size] for i in range(0, len(unique), chunk_size))


def plan_fanout(
    activity: FeedActivity,
    follower_ids: Collection[str],
    chunk_size: int = FANOUT_CHUNK_SIZE,
    threshold: int = PULL_FOLLOWER_THRESHOLD,
) -> FanoutPlan:
    """Which timelines receive ``activity``: push → author then followers,
    pull and private → the author only."""
    followers = [f for f in dict.fromkeys(follower_ids) if f != activity.author_id]
    mode = choose_fanout_mode(activity, len(followers), threshold)
    owners = [activity.author_id]
    if mode is FanoutMode.PUSH:
        owners.extend(followers)
    return FanoutPlan(mode, chunk_ids(owners, chunk_size))


def trim_timeline(
    entries: Iterable[FeedActivity], cap: int = TIMELINE_CAP
) -> TimelineTrim:
    """Keep the newest ``cap`` distinct activities by (created_at, id); the
    oldest beyond the cap are returned for deletion."""
    if cap < 1:
        raise DomainInputError("cap must be at least 1")
    ordered = _newest_first(entries)
    return TimelineTrim(ordered[:cap], ordered[cap:])


def is_visible_to(
    activity: FeedActivity, viewer_id: str, blocked_ids: Collection[str] = ()
) -> bool:
    """Own activities are always visible; Strava ones to nobody else; blocked
    authors (either direction, resolved by the caller) are hidden."""
    if activity.author_id == viewer_id:
        return True
    if activity.source is ActivitySource.STRAVA:
        return False
    return activity.author_id not in blocked_ids


def merge_feed(
    pushed: Iterable[FeedActivity],
    pulled: Iterable[FeedActivity],
    viewer_id: str,
    blocked_ids: Collection[str] = (),
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> FeedPage:
    """One page of the viewer's feed: the pushed timeline plus pulled posts,
    de-duplicated, visibility re-checked, newest first, strictly after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise DomainInputError("limit must lie between 1 and 100")
    after = None if cursor is None else decode_cursor(cursor)
    visible = [
        item
        for item in _newest_first([*pushed, *pulled])
        if is_visible_to(item, viewer_id, blocked_ids) and _is_after(item, after)
    ]
    page = tuple(visible[:limit])
    next_cursor = None
    if len(visible) > limit:
        last = page[-1]
        next_cursor = encode_cursor(Cursor(last.created_at, last.activity_id))
    return FeedPage(page, next_cursor)


def _newest_first(entries: Iterable[FeedActivity]) -> tuple[FeedActivity, ...]:
    unique = {entry.activity_id: entry for entry in entries}
    if any(e.created_at.utcoffset() is None for e in unique.values()):
        raise DomainInputError("created_at must be timezone-aware")
    return tuple(
        sorted(
            unique.values(), key=lambda e: (e.created_at, e.activity_id), reverse=True
        )
    )


def _is_after(item: FeedActivity, cursor: Cursor | None) -> bool:
    if cursor is None:
        return True
    return (item.created_at, item.activity_id) < (cursor.created_at, cursor.item_id)
