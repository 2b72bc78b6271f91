"""Readiness recompute over stored readings, and its threshold alert."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import OutboxEvent, ReadinessScore
from app.db.repositories import readings as readings_repo
from app.db.session import create_sessionmaker
from app.jobs.dispatch import Dispatcher
from app.services import readiness
from app.services.errors import MemberNotFoundError
from tests.support.gym_builders import add_gym, add_member

pytestmark = pytest.mark.db
TODAY = dt.datetime.now(dt.UTC).date()
NORMAL = {"hrv_rmssd": 60.0, "resting_hr": 50.0, "sleep_duration": 27000.0}
BAD = {"hrv_rmssd": 22.0, "resting_hr": 63.0, "sleep_duration": 16000.0}


def night(
    member_id: uuid.UUID,
    day: dt.date,
    values: dict[str, float],
    provider: str,
    kind: str,
) -> list[dict[str, Any]]:
    wake = dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)
    wobble = 2.0 if day.toordinal() % 2 else -2.0  # a baseline needs some spread
    metrics = {**values, "time_in_bed": 28800.0}
    metrics["hrv_rmssd"] += wobble
    return [
        {
            "id": uuid.uuid4(),
            "member_id": member_id,
            "provider": provider,
            "metric": metric,
            "local_day": day,
            "slot": "",
            "value": value,
            "unit": "ms",
            "quality": "ok",
            "device_kind": kind,
            "device_id": "",
            "is_main_sleep": True,
            "record_id": f"{provider}-{day}",
            "start_at": wake,
            "end_at": None,
            "utc_offset_s": 0,
            "synced_at": wake,
        }
        for metric, value in metrics.items()
    ]


async def seed(
    engine: AsyncEngine,
    nights: dict[int, dict[str, float]],
    provider: str = "oura",
    kind: str = "ring",
    member_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """`nights` maps days-ago to values; returns the member id."""
    async with create_sessionmaker(engine)() as session, session.begin():
        if member_id is None:
            gym = add_gym(session)
            await session.flush()
            member = add_member(session, gym, timezone="UTC")
            await session.flush()
            member_id = member.id
        rows = [
            row
            for back, values in nights.items()
            for row in night(
                member_id, TODAY - dt.timedelta(days=back), values, provider, kind
            )
        ]
        await readings_repo.upsert_readings(session, rows)
    return member_id


async def recompute(
    engine: AsyncEngine, member_id: uuid.UUID, first: int, last: int
) -> dict[str, int]:
    async with create_sessionmaker(engine)() as session, session.begin():
        return await readiness.recompute_readiness(
            session,
            Dispatcher(enabled=True),
            member_id,
            TODAY - dt.timedelta(days=first),
            TODAY - dt.timedelta(days=last),
        )


async def scores(
    engine: AsyncEngine, member_id: uuid.UUID
) -> dict[int, ReadinessScore]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(ReadinessScore).where(ReadinessScore.member_id == member_id)
        )
        return {(TODAY - r.day).days: r for r in rows.all()}


async def alert_events(engine: AsyncEngine) -> list[str]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(OutboxEvent.id).where(
                OutboxEvent.name == "platform/alerts.threshold-crossed"
            )
        )
        return list(rows.all())


async def test_low_readiness_today_alerts_once_even_when_recomputed(
    engine: AsyncEngine,
) -> None:
    member = await seed(engine, {**dict.fromkeys(range(1, 41), NORMAL), 0: BAD})
    assert await recompute(engine, member, 0, 0) == {"computed": 1, "alerts": 1}
    assert await recompute(engine, member, 0, 0) == {"computed": 1, "alerts": 1}
    assert await alert_events(engine) == [
        f"platform/alerts.threshold-crossed:{member}:readiness_low:{TODAY.isoformat()}"
    ]
    today = (await scores(engine, member))[0]
    assert (today.band, today.provider) == ("red", "oura")
    assert today.components["hrv"] == 0.0


async def test_old_low_day_is_stored_but_raises_no_alert(engine: AsyncEngine) -> None:
    member = await seed(engine, {**dict.fromkeys(range(11, 51), NORMAL), 10: BAD})
    assert await recompute(engine, member, 10, 10) == {"computed": 1, "alerts": 0}
    assert (await scores(engine, member))[10].band == "red"
    assert await alert_events(engine) == []


async def test_preferred_device_feeds_the_score_and_never_mixes(
    engine: AsyncEngine,
) -> None:
    member = await seed(engine, dict.fromkeys(range(0, 41), NORMAL), "oura", "ring")
    await seed(engine, {0: BAD, 1: BAD, 2: BAD}, "garmin", "watch", member)
    await recompute(engine, member, 0, 0)
    today = (await scores(engine, member))[0]
    assert (today.provider, today.band) == ("oura", "green")


async def test_calibrating_member_gets_no_score(engine: AsyncEngine) -> None:
    member = await seed(engine, dict.fromkeys(range(0, 5), NORMAL))
    await recompute(engine, member, 4, 0)
    stored = await scores(engine, member)
    assert sorted(stored) == [0, 1, 2, 3, 4]
    assert {(s.score, s.band, s.hrv_state) for s in stored.values()} == {
        (None, None, "calibrating")
    }
    assert "hrv_calibrating" in stored[0].reasons


async def test_unknown_member(engine: AsyncEngine) -> None:
    with pytest.raises(MemberNotFoundError):
        await recompute(engine, uuid.uuid4(), 0, 0)
