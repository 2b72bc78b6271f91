"""The small seeded world the `/api/inngest` worker benchmark runs on: one
case per worker, with the events a run of it is started by (`bench.endpoint`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Follow, Member, Post, WearableConnection
from app.db.repositories import alert as alert_repo
from app.db.session import create_sessionmaker
from bench import seed
from tests.e2e import scenarios
from tests.e2e.sync_social import OURA_TOKEN, OURA_USER, add_oura_connection
from tests.support.api_world import World, build_world
from tests.support.gym_builders import NOW, add_steady_training, add_workout

CRON_EVENT = "inngest/scheduled.timer"
FOLLOWERS = 100


@dataclasses.dataclass
class WorkerCase:
    """A worker and its events: one per connection. Workers with a concurrency
    limit of 1 per member / recipient / gym get one event per key, as Inngest
    never runs two of them for the same key at once."""

    fn_id: str
    events: list[dict[str, Any]]
    note: str = ""


KEYS = 4  # distinct members per keyed worker (= connections)


async def _trainee(engine: AsyncEngine, member_id: uuid.UUID) -> uuid.UUID:
    """Five steady weeks and today's spike workout; returns the workout id."""
    async with create_sessionmaker(engine)() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        await add_steady_training(session, member)
        workout = await add_workout(
            session, member, NOW, minutes=120, rpe=9, sets=[("back_squat", 100, 5, 8)]
        )
        return workout.id


async def _alert(engine: AsyncEngine, member: Member, kind: str) -> uuid.UUID:
    async with create_sessionmaker(engine)() as session, session.begin():
        alert, _ = await alert_repo.add_alert(
            session,
            {
                "gym_id": member.gym_id,
                "member_id": member.id,
                "kind": kind,
                "rule": "",
                "metric": "bench",
                "level": "high",
                "score": 80,
                "reasons": [],
                "alert_on": NOW.date(),
                "created_at": NOW,
            },
        )
        return alert.id


async def world_cases(engine: AsyncEngine, settings: Settings) -> list[WorkerCase]:
    world: World = await build_world(engine, settings)
    await scenarios.seed_churn(engine, world)
    ann, bob = world.id("ann"), world.id("bob")
    home = world.members["ann"].gym_id
    away = world.members["zed"].gym_id
    followers = [uuid.uuid4() for _ in range(FOLLOWERS)]
    await seed.bulk_insert(
        engine,
        Member,
        [{"id": f, "gym_id": home, "created_at": NOW} for f in followers],
    )
    await seed.bulk_insert(
        engine,
        Follow,
        [
            {
                "id": uuid.uuid4(),
                "follower_id": f,
                "followee_id": ann,
                "created_at": NOW,
            }
            for f in followers
        ],
    )
    trainees = [ann, *followers[: KEYS - 1]]
    workouts = {m: await _trainee(engine, m) for m in trainees}
    alerts = {
        kind: await _alert(engine, world.members["ann"], kind)
        for kind in ("injury_risk", "churn_risk")
    }
    post_id = uuid.uuid4()
    await seed.bulk_insert(
        engine,
        Post,
        [
            {
                "id": post_id,
                "author_id": ann,
                "gym_id": home,
                "kind": "text",
                "source": "app",
                "created_at": NOW,
            }
        ],
    )
    await add_oura_connection(engine, ann, OURA_USER, OURA_TOKEN)
    async with create_sessionmaker(engine)() as session:
        connection_id = await session.scalar(
            select(WearableConnection.id).where(WearableConnection.member_id == ann)
        )
    today = NOW.date().isoformat()
    scoring = [
        _event(
            "platform/scoring.calculate",
            member_id=m,
            source="workout",
            source_id=workouts[m],
        )
        for m in trainees
    ]
    cron = {"name": CRON_EVENT, "data": {"cron": "0 3 * * *"}}
    return [
        WorkerCase(
            "scoring-calculate", scoring, "5 weeks of history; re-runs upsert the score"
        ),
        WorkerCase("alerts-evaluate-injury-risk", scoring, "re-runs find the alert"),
        WorkerCase(
            "alerts-notify-coaches-injury-risk",
            [
                _event(
                    "platform/alerts.injury-risk-detected",
                    member_id=ann,
                    alert_id=alerts["injury_risk"],
                    level="high",
                )
            ],
            "re-runs: already notified",
        ),
        WorkerCase(
            "alerts-notify-owners-churn-risk",
            [
                _event(
                    "platform/alerts.churn-risk-detected",
                    member_id=ann,
                    alert_id=alerts["churn_risk"],
                    level="high",
                )
            ],
            "re-runs: already notified",
        ),
        WorkerCase(
            "alerts-record-threshold",
            [
                _event(
                    "platform/alerts.threshold-crossed",
                    member_id=m,
                    metric="readiness",
                    level="caution",
                    rule="readiness_low",
                    observed_on=today,
                )
                for m in [bob, *followers[KEYS : 2 * KEYS - 1]]
            ],
            "same day: re-runs find the alert",
        ),
        WorkerCase(
            "alerts-resolve-churn-on-visit",
            [
                _event(
                    "platform/alerts.check-in-recorded",
                    member_id=bob,
                    check_in_id=uuid.uuid4(),
                )
            ],
        ),
        WorkerCase("alerts-churn-scan-daily", [cron], "2 gyms"),
        WorkerCase(
            "alerts-churn-scan-gym",
            [
                _event(
                    "platform/alerts.churn-scan-requested", gym_id=gym, scan_on=today
                )
                for gym in (home, away)
            ],
            f"{FOLLOWERS + 4} and 2 members; one run per gym at a time",
        ),
        WorkerCase(
            "social-fan-out-post",
            [_event("platform/social.post-created", post_id=post_id, author_id=ann)],
            f"{FOLLOWERS} followers; re-runs write nothing new",
        ),
        *[
            WorkerCase(
                f"social-notify-{verb}",
                [
                    _event(
                        f"platform/social.{verb}",
                        interaction_id=uuid.uuid4(),
                        actor_id=bob,
                        recipient_id=recipient,
                        object_id=post_id,
                    )
                    for recipient in followers[-KEYS:]
                ],
                "one run per recipient at a time",
            )
            for verb in (
                "reaction-added",
                "reaction-removed",
                "comment-added",
                "member-followed",
                "member-unfollowed",
            )
        ],
        WorkerCase(
            "social-flush-notification-batches",
            [{"name": CRON_EVENT, "data": {"cron": "* * * * *"}}],
        ),
        WorkerCase(
            "sync-wearable-data",
            [
                _event(
                    "platform/sync.wearable-data-received",
                    member_id=ann,
                    connection_id=connection_id,
                    provider="oura",
                    reason="connected",
                )
            ],
            "one member: 60 days of Oura sleep from a loopback fake",
        ),
        WorkerCase(
            "sync-compute-readiness",
            [
                _event(
                    "platform/sync.readings-synced",
                    member_id=ann,
                    connection_id=connection_id,
                    provider="oura",
                    first_day=(NOW.date() - dt.timedelta(days=2)).isoformat(),
                    last_day=today,
                    readings=3,
                )
            ],
            "one member",
        ),
        WorkerCase(
            "sync-backfill-silent-connections",
            [{"name": CRON_EVENT, "data": {"cron": "17 * * * *"}}],
        ),
        WorkerCase(
            "privacy-purge-expired-records",
            [{"name": CRON_EVENT, "data": {"cron": "41 4 * * *"}}],
            "nothing expired: the clock step and one batch per store",
        ),
        # Last: it deletes the member it sweeps (a follower no other case uses
        # after the fan-out).
        WorkerCase(
            "privacy-sweep-erased-member",
            [
                _event(
                    "platform/privacy.member-erased",
                    member_id=followers[-1],
                    erasure_id=uuid.uuid4(),
                )
            ],
            "a follower; re-runs find nothing left",
        ),
    ]


def _event(name: str, **data: Any) -> dict[str, Any]:
    return {
        "name": name,
        "data": {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()},
    }
