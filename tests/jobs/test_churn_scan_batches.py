"""The per-gym churn scan stays bounded: keyset batches of at most
`BATCH_SIZE` members (500 here), one step per batch, a hand-over to a new run
after N batches."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Alert, Gym, Member, Notification
from app.db.repositories import member as member_repo
from app.jobs.events.alerts import ChurnScanRequested
from app.jobs.job_context import InlineJobContext
from app.jobs.workers import churn_scan as churn_worker
from app.runtime import Runtime, build_runtime
from tests.support.gym_builders import NOW, at_days_ago

pytestmark = pytest.mark.db
MEMBERS = 2_600
AT_RISK = 7


@pytest.fixture
async def runtime(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Runtime]:
    runtime = build_runtime(settings_factory(INNGEST_ENABLED=False))
    try:
        yield runtime
    finally:
        await runtime.dispose()


async def seed_big_gym(engine: AsyncEngine) -> uuid.UUID:
    """2,600 members: 7 at risk (no visit since joining), the rest on holiday."""
    gym_id = uuid.uuid4()
    rows = [
        {
            "id": uuid.uuid4(),
            "gym_id": gym_id,
            "role": "member",
            "timezone": "UTC",
            "joined_at": at_days_ago(60),
            "created_at": NOW,
            "contract_kind": "month_to_month",
            "churn_suppression": None if i < AT_RISK else "holiday",
        }
        for i in range(MEMBERS)
    ]
    owner = {**rows[0], "id": uuid.uuid4(), "role": "owner"}
    async with engine.begin() as conn:
        await conn.execute(
            insert(Gym),
            [{"id": gym_id, "name": "big", "timezone": "UTC", "created_at": NOW}],
        )
        for start in range(0, MEMBERS, 500):
            await conn.execute(insert(Member), rows[start : start + 500])
        await conn.execute(insert(Member), [owner])
    return gym_id


@pytest.fixture
def page_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 500, and a spy on the member query: the number of members
    each batch loaded."""
    monkeypatch.setattr(churn_worker, "BATCH_SIZE", 500)
    sizes: list[int] = []
    original = member_repo.list_member_page

    async def spy(*args: Any, **kwargs: Any) -> list[member_repo.ChurnInputs]:
        page = await original(*args, **kwargs)
        sizes.append(len(page))
        return page

    monkeypatch.setattr(member_repo, "list_member_page", spy)
    return sizes


async def count(engine: AsyncEngine, model: type[Alert] | type[Notification]) -> int:
    async with engine.connect() as conn:
        result = await conn.execute(select(func.count()).select_from(model))
        return int(result.scalar_one())


async def test_scan_pages_through_members_in_bounded_batches(
    runtime: Runtime, engine: AsyncEngine, page_sizes: list[int]
) -> None:
    gym_id = await seed_big_gym(engine)
    job = InlineJobContext(runtime, "run-1", 0)
    event = ChurnScanRequested(gym_id=gym_id, scan_on=NOW.date())
    result = await churn_worker.scan_gym(event, job)
    assert page_sizes == [500, 500, 500, 500, 500, 100]
    assert job.steps_run == [f"scan-batch-{n}" for n in range(6)]
    assert result == {
        "batches": 6,
        "evaluated": MEMBERS,
        "alerted": AT_RISK,
        "continued": False,
    }
    assert await count(engine, Alert) == AT_RISK
    assert await count(engine, Notification) == AT_RISK  # one owner each


async def test_a_run_hands_the_rest_to_a_new_run_after_max_batches(
    runtime: Runtime,
    engine: AsyncEngine,
    page_sizes: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(churn_worker, "MAX_BATCHES_PER_RUN", 2)
    gym_id = await seed_big_gym(engine)
    job = InlineJobContext(runtime, "run-1", 0)
    result = await churn_worker.scan_gym(
        ChurnScanRequested(gym_id=gym_id, scan_on=NOW.date()), job
    )
    assert result["continued"] is True
    assert job.steps_run == ["scan-batch-0", "scan-batch-1", "continue-scan"]
    # inline mode ran the follow-up runs at once: 2 + 2 + 2 batches in total
    assert page_sizes == [500, 500, 500, 500, 500, 100]
    assert await count(engine, Alert) == AT_RISK
