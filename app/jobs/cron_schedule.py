"""Cron expressions (UTC, as Inngest reads them) for the inline scheduler."""

from __future__ import annotations

import datetime as dt

from croniter import croniter

ONE_SECOND = dt.timedelta(seconds=1)


def is_valid(expression: str) -> bool:
    return bool(croniter.is_valid(expression))


def next_tick(expression: str, after: dt.datetime) -> dt.datetime:
    """The first tick strictly after `after`."""
    tick: dt.datetime = croniter(expression, after.astimezone(dt.UTC)).get_next(
        dt.datetime
    )
    return tick


def due_tick(
    expression: str, after: dt.datetime, now: dt.datetime
) -> dt.datetime | None:
    """The latest tick in `(after, now]`, or None when none falls there.

    Several missed ticks (a long pause) coalesce into the latest one, as a
    cron that was down does not run its missed ticks one by one.
    """
    if next_tick(expression, after) > now:
        return None
    # The start is excluded by get_prev, so step one second past `now`.
    start = (now + ONE_SECOND).astimezone(dt.UTC).replace(microsecond=0)
    tick: dt.datetime = croniter(expression, start).get_prev(dt.datetime)
    return tick


def longest_gap_s(expression: str, *, samples: int = 64) -> float:
    """The longest time between two consecutive ticks (over `samples` ticks
    from a fixed Monday), for the 'cron past its schedule' alert."""
    tick = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    longest = 0.0
    for _ in range(samples):
        following = next_tick(expression, tick)
        longest = max(longest, (following - tick).total_seconds())
        tick = following
    return longest
