"""The fake provider's synthetic nights: repeatable, plausible, and the
profiles' bad nights exactly where documented (pure, no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain import readiness as r
from app.domain.wearables import Metric, Quality, assess_plausibility
from app.integrations.wearables.fake_nights import (
    Night,
    Profile,
    SyntheticToken,
    night,
    nights,
    parse_token,
)

ANCHOR = dt.date(2026, 12, 7)
DAY = dt.timedelta(days=1)


def token(text: str) -> SyntheticToken:
    parsed = parse_token(text)
    assert parsed is not None
    return parsed


def looks_bad(n: Night) -> bool:
    return n.hrv_ms < 30 and n.rhr_bpm > 60 and n.asleep_h < 5.5


def looks_normal(n: Night) -> bool:
    return n.hrv_ms > 55 and n.rhr_bpm < 53 and n.asleep_h > 7


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("fake-steady-4f2a", Profile.STEADY),
        ("fake-badweek-91c0", Profile.BADWEEK),
        ("fake-improving-ann_2", Profile.IMPROVING),
        ("fake-badweek-0b8e-4c1d", Profile.BADWEEK),
    ],
)
def test_synthetic_tokens_name_their_profile(text: str, profile: Profile) -> None:
    assert token(text).profile is profile


@pytest.mark.parametrize(
    "text", ["oura-token-ann", "fake-unknown-1", "fake-steady-", "fake-steady-a b"]
)
def test_other_tokens_are_not_synthetic(text: str) -> None:
    assert parse_token(text) is None


def test_the_same_token_and_day_always_give_the_same_night() -> None:
    first = nights(token("fake-steady-4f2a"), ANCHOR - 59 * DAY, ANCHOR, ANCHOR)
    again = nights(token("fake-steady-4f2a"), ANCHOR - 59 * DAY, ANCHOR, ANCHOR)
    other = nights(token("fake-steady-77aa"), ANCHOR - 59 * DAY, ANCHOR, ANCHOR)
    assert first == again
    assert first != other  # each suffix its own (repeatable) variation
    assert len({n.hrv_ms for n in first}) > 5  # nights vary day to day


def test_a_bad_week_is_the_seven_nights_ending_at_the_anchor() -> None:
    badweek = token("fake-badweek-91c0")
    assert looks_normal(night(badweek, ANCHOR - 7 * DAY, ANCHOR))
    assert looks_bad(night(badweek, ANCHOR - 6 * DAY, ANCHOR))
    assert looks_bad(night(badweek, ANCHOR, ANCHOR))
    steady = night(token("fake-steady-91c0"), ANCHOR - 7 * DAY, ANCHOR)  # same suffix
    assert night(badweek, ANCHOR - 7 * DAY, ANCHOR) == steady


def test_improving_had_its_bad_week_a_week_ago() -> None:
    improving = token("fake-improving-5d")
    assert looks_normal(night(improving, ANCHOR - 14 * DAY, ANCHOR))
    assert looks_bad(night(improving, ANCHOR - 13 * DAY, ANCHOR))
    assert looks_bad(night(improving, ANCHOR - 7 * DAY, ANCHOR))
    assert looks_normal(night(improving, ANCHOR - 6 * DAY, ANCHOR))


def test_nights_end_at_the_query_end_but_never_after_today() -> None:
    badweek = token("fake-badweek-91c0")
    served = nights(badweek, ANCHOR - 59 * DAY, ANCHOR + DAY, today=ANCHOR)
    assert (len(served), served[0].day, served[-1].day) == (
        60,
        ANCHOR - 59 * DAY,
        ANCHOR,
    )
    earlier = nights(badweek, ANCHOR - 20 * DAY, ANCHOR - 10 * DAY, today=ANCHOR)
    assert earlier[-1].day == ANCHOR - 10 * DAY
    assert looks_bad(earlier[-1])  # the bad week follows the query's end
    assert nights(badweek, ANCHOR + DAY, ANCHOR + 2 * DAY, today=ANCHOR) == []


@pytest.mark.parametrize("profile", list(Profile))
def test_every_value_is_plausible(profile: Profile) -> None:
    for suffix in ("4f2a", "91c0", "x"):
        served = nights(
            token(f"fake-{profile}-{suffix}"), ANCHOR - 365 * DAY, ANCHOR, ANCHOR
        )
        for n in served:
            values = {
                Metric.HRV_RMSSD: n.hrv_ms,
                Metric.RESTING_HR: n.rhr_bpm,
                Metric.SLEEP_DURATION: n.asleep_h * 3600,
                Metric.SLEEP_EFFICIENCY: 100 * n.asleep_h / n.in_bed_h,
            }
            for metric, value in values.items():
                assert assess_plausibility(metric, value) is Quality.OK, (n, metric)


def readiness(served: list[Night], day: dt.date) -> r.Readiness:
    hrv = r.assess_hrv([r.NightValue(n.day, n.hrv_ms) for n in served], day)
    rhr = r.assess_resting_hr([r.NightValue(n.day, n.rhr_bpm) for n in served], day)
    [last] = [n for n in served if n.day == day]
    sleep = r.assess_sleep(last.asleep_h * 3600, last.in_bed_h * 3600)
    return r.compute_readiness(hrv, rhr, sleep)


@pytest.mark.parametrize("anchor", [ANCHOR, dt.date(2027, 2, 28), dt.date(2027, 6, 3)])
@pytest.mark.parametrize(
    ("profile", "back", "band"),
    [
        (Profile.STEADY, 0, r.ReadinessBand.GREEN),
        (Profile.BADWEEK, 0, r.ReadinessBand.RED),
        (Profile.BADWEEK, 6, r.ReadinessBand.RED),
        (Profile.BADWEEK, 7, r.ReadinessBand.GREEN),
        (Profile.IMPROVING, 0, r.ReadinessBand.GREEN),
    ],
)
def test_profiles_give_the_documented_readiness(
    anchor: dt.date, profile: Profile, back: int, band: r.ReadinessBand
) -> None:
    served = nights(token(f"fake-{profile}-4f2a"), anchor - 59 * DAY, anchor, anchor)
    assert readiness(served, anchor - back * DAY).band is band
