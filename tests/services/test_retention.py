"""Retention: each store loses exactly its expired rows, in bounded batches."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import DeadLetter, OutboxEvent
from app.db.models.social_notification import AppliedInteraction
from app.db.models.wearable import WearableConnection, WebhookDelivery
from app.db.session import create_sessionmaker
from app.services import retention
from tests.support.databases import ROOT
from tests.support.gym_builders import NOW, add_gym, add_member, at_days_ago

pytestmark = pytest.mark.db
HOUR = dt.timedelta(hours=1)


def outbox_row(key: str, status: str, *, at: dt.datetime) -> dict[str, object]:
    """A row created, last attempted and (if sent) sent at `at`."""
    return {
        "id": f"platform/alerts.threshold-crossed:{key}",
        "name": "platform/alerts.threshold-crossed",
        "category": "alerts",
        "resource_id": key,
        "payload": {"member_id": key},
        "status": status,
        "created_at": at,
        "next_attempt_at": at,
        "sent_at": at if status == "sent" else None,
        "attempts": 1,
        "rejections": 0,
    }


async def add_sent_backlog(engine: AsyncEngine, count: int, *, days_ago: float) -> None:
    """`count` outbox rows sent `days_ago` days ago (`old-0`, `old-1`…)."""
    async with create_sessionmaker(engine)() as session, session.begin():
        await session.execute(
            insert(OutboxEvent).values(
                [
                    outbox_row(f"old-{n}", "sent", at=at_days_ago(days_ago))
                    for n in range(count)
                ]
            )
        )


def dead_letter(key: str, *, at: dt.datetime) -> DeadLetter:
    return DeadLetter(
        function_id="scoring-calculate",
        run_id=f"run-{key}",
        error_code="member_not_found",
        mode="inngest",
        recorded_by="middleware",
        created_at=at,
    )


async def seed(engine: AsyncEngine) -> None:
    """For each store, one row just past its window and one just inside it
    (default windows: 7 days, 30 days, 48 hours)."""
    async with create_sessionmaker(engine)() as session, session.begin():
        await session.execute(
            insert(OutboxEvent).values(
                [
                    outbox_row("sent-old", "sent", at=at_days_ago(7) - HOUR),
                    outbox_row("sent-new", "sent", at=at_days_ago(7) + HOUR),
                    outbox_row("dead-old", "dead", at=at_days_ago(30) - HOUR),
                    outbox_row("dead-new", "dead", at=at_days_ago(30) + HOUR),
                    # never purged: an event not sent yet, however old
                    outbox_row("pending-old", "pending", at=at_days_ago(90)),
                ]
            )
        )
        session.add(dead_letter("old", at=at_days_ago(30) - HOUR))
        session.add(dead_letter("new", at=at_days_ago(30) + HOUR))
        gym = add_gym(session)
        await session.flush()
        member = add_member(session, gym)
        await session.flush()
        for action, hours in (("like", 49), ("unlike", 47)):
            session.add(
                AppliedInteraction(
                    interaction_id=uuid.uuid4(),
                    action=action,
                    recipient_id=member.id,
                    applied_at=NOW - dt.timedelta(hours=hours),
                )
            )
        connection = WearableConnection(
            member_id=member.id,
            provider="oura",
            external_user_id="oura-retention",
            device_kind="ring",
            access_token="tok-retention",
        )
        session.add(connection)
        await session.flush()
        for key, hours, processed in (
            ("processed-old", 49, True),
            ("processed-new", 47, True),
            ("unprocessed-old", 200, False),  # still to do: kept
        ):
            received = NOW - dt.timedelta(hours=hours)
            session.add(
                WebhookDelivery(
                    provider="oura",
                    dedupe_key=key,
                    connection_id=connection.id,
                    kind="webhook",
                    data_type="daily_sleep",
                    received_at=received,
                    processed_at=received if processed else None,
                )
            )


async def remaining(engine: AsyncEngine) -> dict[str, list[str]]:
    async with create_sessionmaker(engine)() as session:
        outbox = await session.scalars(select(OutboxEvent.resource_id))
        letters = await session.scalars(select(DeadLetter.run_id))
        actions = await session.scalars(select(AppliedInteraction.action))
        deliveries = await session.scalars(select(WebhookDelivery.dedupe_key))
        return {
            "outbox": sorted(outbox),
            "dead_letters": sorted(letters),
            "applied": sorted(actions),
            "deliveries": sorted(deliveries),
        }


async def purge_all(
    engine: AsyncEngine, settings: Settings, limit: int
) -> dict[str, list[int]]:
    """Batches until each store comes back short, as the worker does."""
    batches: dict[str, list[int]] = {}
    for store in retention.stores(settings):
        batches[store.name] = []
        while True:
            async with create_sessionmaker(engine)() as session, session.begin():
                count = await retention.purge_batch(session, store, NOW, limit)
            batches[store.name].append(count)
            if count < limit:
                break
    return batches


async def test_each_store_loses_exactly_its_expired_rows(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    await seed(engine)
    batches = await purge_all(engine, settings_factory(), limit=100)
    assert batches == {
        "sent-events": [1],
        "dead-events": [1],
        "dead-letters": [1],
        "applied-interactions": [1],
        "webhook-deliveries": [1],
    }
    assert await remaining(engine) == {
        "outbox": ["dead-new", "pending-old", "sent-new"],
        "dead_letters": ["run-new"],
        "applied": ["unlike"],
        "deliveries": ["processed-new", "unprocessed-old"],
    }
    again = await purge_all(engine, settings_factory(), limit=100)
    assert set(map(tuple, again.values())) == {(0,)}  # nothing more to do


async def test_windows_come_from_settings(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    await seed(engine)
    longer = settings_factory(
        RETENTION_SENT_EVENTS_DAYS=8,
        RETENTION_DEAD_LETTERS_DAYS=31,
        RETENTION_IDEMPOTENCY_HOURS=50,
    )
    batches = await purge_all(engine, longer, limit=100)
    assert set(map(tuple, batches.values())) == {(0,)}
    shorter = settings_factory(RETENTION_SENT_EVENTS_DAYS=1)
    await purge_all(engine, shorter, limit=100)
    assert (await remaining(engine))["outbox"] == ["dead-new", "pending-old"]


async def test_a_backlog_goes_in_batches_of_the_limit(
    engine: AsyncEngine, settings_factory: Callable[..., Settings]
) -> None:
    await add_sent_backlog(engine, 7, days_ago=10)
    batches = await purge_all(engine, settings_factory(), limit=3)
    assert batches["sent-events"] == [3, 3, 1]
    async with create_sessionmaker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_retention_windows_are_bounded() -> None:
    with pytest.raises(ValueError, match="RETENTION_IDEMPOTENCY_HOURS"):
        Settings(_env_file=None, RETENTION_IDEMPOTENCY_HOURS=24)  # Inngest's window
    with pytest.raises(ValueError, match="RETENTION_SENT_EVENTS_DAYS"):
        Settings(_env_file=None, RETENTION_SENT_EVENTS_DAYS=0)


async def test_the_command_purges_everything_expired(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """`python -m app.jobs.purge` in its own process, batches of 100 until done."""
    await seed(engine)
    await add_sent_backlog(engine, 250, days_ago=9)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_ENV": "development",
        "RETENTION_BATCH_SIZE": "100",
        "LOG_FORMAT": "json",
    }
    env.pop("SENTRY_DSN", None)
    done = subprocess.run(
        [sys.executable, "-m", "app.jobs.purge"],
        cwd=tmp_path,  # no .env of the checkout
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "deleted": {
            "sent-events": 251,
            "dead-events": 1,
            "dead-letters": 1,
            "applied-interactions": 1,
            "webhook-deliveries": 1,
        }
    }
    assert '"retention.purged"' in done.stderr
    assert (await remaining(engine))["outbox"] == [
        "dead-new",
        "pending-old",
        "sent-new",
    ]
