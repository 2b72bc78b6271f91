"""Synthetic nights for the fake provider: generated, deterministic, plausible.

A bearer token `fake-<profile>-<suffix>` (e.g. `fake-badweek-91c0`) selects a
profile; the whole token seeds small day-to-day variation, so two members
with different suffixes get different (but repeatable) values. The *anchor*
is the last day served: the query's end date, never later than today.

- `steady`: normal nights (HRV about 60 ms, resting HR about 51 bpm, about
  7.4 h asleep of 7.9 h in bed).
- `badweek`: like `steady`, but the 7 nights ending at the anchor are bad (HRV
  about 26 ms, resting HR about 63 bpm, 5 h asleep of 6.5 h in bed), so the
  anchor day's readiness is red.
- `improving`: the 7 bad nights end a week before the anchor; the last 7
  nights are normal again (readiness goes from red back to green).

Every value stays inside the domain's plausible ranges (rMSSD 5-250 ms, RHR
30-120 bpm, sleep 2-16 h, efficiency 40-100 %).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re

BAD_NIGHTS = 7


class Profile(enum.StrEnum):
    STEADY = "steady"
    BADWEEK = "badweek"
    IMPROVING = "improving"


TOKEN_RE = re.compile(
    rf"fake-({'|'.join(p.value for p in Profile)})-[A-Za-z0-9_-]{{1,64}}"
)


@dataclasses.dataclass(frozen=True, slots=True)
class SyntheticToken:
    profile: Profile
    seed: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Night:
    """One main sleep ending on `day`: HRV (rMSSD, ms), lowest HR (bpm), hours."""

    day: dt.date
    hrv_ms: float
    rhr_bpm: float
    asleep_h: float
    in_bed_h: float


def parse_token(token: str) -> SyntheticToken | None:
    """The profile a synthetic token asks for (None: not a synthetic token)."""
    match = TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    return SyntheticToken(Profile(match.group(1)), token)


def is_bad(profile: Profile, day: dt.date, anchor: dt.date) -> bool:
    back = (anchor - day).days
    if profile is Profile.BADWEEK:
        return 0 <= back < BAD_NIGHTS
    if profile is Profile.IMPROVING:
        return BAD_NIGHTS <= back < 2 * BAD_NIGHTS
    return False


def night(token: SyntheticToken, day: dt.date, anchor: dt.date) -> Night:
    hrv, rhr, asleep, awake = (_jitter(token.seed, day, i) for i in range(4))
    if is_bad(token.profile, day, anchor):
        base = Night(day, 26.0 + 2 * hrv, 63.0 + rhr, 5.0 + 0.2 * asleep, 0.0)
        return dataclasses.replace(base, in_bed_h=base.asleep_h + 1.5 + 0.1 * awake)
    base = Night(day, 60.0 + 4 * hrv, 51.0 + 1.5 * rhr, 7.4 + 0.3 * asleep, 0.0)
    return dataclasses.replace(base, in_bed_h=base.asleep_h + 0.5 + 0.1 * awake)


def nights(
    token: SyntheticToken, first: dt.date, last: dt.date, today: dt.date
) -> list[Night]:
    """The nights `first`..`last`, none after `today` (the anchor is the last)."""
    anchor = min(last, today)
    count = (anchor - first).days + 1
    days = (first + dt.timedelta(days=i) for i in range(max(count, 0)))
    return [night(token, day, anchor) for day in days]


def _jitter(seed: str, day: dt.date, index: int) -> float:
    """A repeatable number in [-1, 1] for (seed, day, index)."""
    digest = hashlib.blake2b(f"{seed}|{day.isoformat()}|{index}".encode()).digest()
    return round(int.from_bytes(digest[:4], "big") / 0xFFFFFFFF * 2 - 1, 3)
