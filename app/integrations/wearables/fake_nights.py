"""Synthetic nights for the fake provider: generated, deterministic, plausible.

A bearer token `fake-<profile>-<suffix>` (e.g. `fake-badweek-91c0`) selects a
profile; the suffix seeds small day-to-day variation, so two members with
different suffixes get different (but repeatable) values, and the same suffix
gives the same normal nights under every profile. The *anchor*
is the last day served: the query's end date, never later than today.

- `steady`: normal nights with a small weekly rhythm plus jitter (HRV 57-63
  ms, resting HR 50.5-51.5 bpm, 7.4-7.8 h asleep, 0.4-0.5 h awake in bed).
- `badweek`: like `steady`, but the 7 nights ending at the anchor are bad (HRV
  24.5-27.5 ms, resting HR 62-64 bpm, 4.8-5.2 h asleep, 1.4-1.6 h awake in
  bed), so the anchor day's readiness is red.
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
# A normal night's weekly rhythm (sums to 0): a 7-day mean matches the
# baseline's, so steady nights keep HRV within the normal range (green days).
WEEK = (0.0, 0.6, 1.0, 0.4, -0.4, -1.0, -0.6)


class Profile(enum.StrEnum):
    STEADY = "steady"
    BADWEEK = "badweek"
    IMPROVING = "improving"


TOKEN_RE = re.compile(
    rf"fake-({'|'.join(p.value for p in Profile)})-([A-Za-z0-9_-]{{1,64}})"
)


@dataclasses.dataclass(frozen=True, slots=True)
class SyntheticToken:
    profile: Profile
    seed: str = dataclasses.field(repr=False)  # the suffix


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
    return SyntheticToken(Profile(match.group(1)), match.group(2))


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
        asleep_h = 5.0 + 0.2 * asleep
        return Night(
            day,
            hrv_ms=round(26.0 + 1.5 * hrv, 1),
            rhr_bpm=round(63.0 + rhr, 1),
            asleep_h=round(asleep_h, 3),
            in_bed_h=round(asleep_h + 1.5 + 0.1 * awake, 3),
        )
    week = WEEK[(day.toordinal() + _phase(token.seed)) % len(WEEK)]
    asleep_h = 7.6 + 0.2 * week + 0.05 * asleep
    return Night(
        day,
        hrv_ms=round(60.0 * (1 + 0.05 * week) + 0.3 * hrv, 1),
        rhr_bpm=round(51.0 - 0.5 * week + 0.1 * rhr, 1),
        asleep_h=round(asleep_h, 3),
        in_bed_h=round(asleep_h + 0.45 + 0.05 * awake, 3),
    )


def nights(
    token: SyntheticToken, first: dt.date, last: dt.date, today: dt.date
) -> list[Night]:
    """The nights `first`..`last`, none after `today` (the anchor is the last)."""
    anchor = min(last, today)
    count = (anchor - first).days + 1
    days = (first + dt.timedelta(days=i) for i in range(max(count, 0)))
    return [night(token, day, anchor) for day in days]


def _phase(seed: str) -> int:
    return _digest(seed, "phase") % len(WEEK)


def _jitter(seed: str, day: dt.date, index: int) -> float:
    """A repeatable number in [-1, 1] for (seed, day, index)."""
    return round(_digest(seed, f"{day.isoformat()}|{index}") / 0xFFFFFFFF * 2 - 1, 3)


def _digest(seed: str, salt: str) -> int:
    digest = hashlib.blake2b(f"{seed}|{salt}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")
