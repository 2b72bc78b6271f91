"""Worker handlers run with an inline job context: steps, outputs, failures."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import inngest
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import Alert, Notification
from app.db.session import create_sessionmaker
from app.jobs.events.alerts import ThresholdCrossed
from app.jobs.events.scoring import ScoreCalculationRequested
from app.jobs.job_context import InlineJobContext
from app.jobs.workers import alerts as alert_workers
from app.jobs.workers import churn_scan as churn_workers
from app.jobs.workers import scoring as scoring_workers
from app.runtime import Runtime, build_runtime
from tests.support.gym_builders import NOW, add_gym, add_member, add_workout

pytestmark = pytest.mark.db


@pytest.fixture
async def runtime(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Runtime]:
    runtime = build_runtime(settings_factory(INNGEST_ENABLED=False))
    try:
        yield runtime
    finally:
        await runtime.dispose()


def job(runtime: Runtime) -> InlineJobContext:
    return InlineJobContext(runtime, f"run-{uuid.uuid4().hex}", 0)


async def test_unknown_member_is_a_permanent_failure(runtime: Runtime) -> None:
    event = ScoreCalculationRequested(
        member_id=uuid.uuid4(), source="workout", source_id=uuid.uuid4()
    )
    with pytest.raises(inngest.NonRetriableError, match=r"^member_not_found$"):
        await scoring_workers.calculate_score(event, job(runtime))
    with pytest.raises(inngest.NonRetriableError, match=r"^member_not_found$"):
        await alert_workers.evaluate_injury_risk(event, job(runtime))


async def test_scoring_steps_return_ids_and_counts_only(
    runtime: Runtime, engine: AsyncEngine
) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        member = add_member(session, add_gym(session))
        await session.flush()
        workout = await add_workout(
            session, member, NOW, sets=[("deadlift", 140, 3, 9)]
        )
    context = job(runtime)
    event = ScoreCalculationRequested(
        member_id=member.id, source="workout", source_id=workout.id
    )
    output = await scoring_workers.calculate_score(event, context)
    assert context.steps_run == ["record-prs", "save-score"]
    assert set(output) == {"score_id", "records"}
    assert uuid.UUID(output["score_id"]).version == 4
    assert output["records"] == 3  # e1RM, rep and volume baselines


async def test_injury_check_skips_benchmarks(runtime: Runtime) -> None:
    event = ScoreCalculationRequested(
        member_id=uuid.uuid4(), source="benchmark", source_id=uuid.uuid4()
    )
    context = job(runtime)
    assert await alert_workers.evaluate_injury_risk(event, context) == {
        "skipped": "not_a_workout"
    }
    assert context.steps_run == []


async def test_threshold_crossed_alerts_the_coaches_once(
    runtime: Runtime, engine: AsyncEngine
) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        gym = add_gym(session)
        await session.flush()
        member = add_member(session, gym)
        coach = add_member(session, gym, role="coach")
    event = ThresholdCrossed(
        member_id=member.id, metric="readiness", level="caution", rule="readiness_low"
    )
    first = await alert_workers.record_threshold_alert(event, job(runtime))
    again = await alert_workers.record_threshold_alert(event, job(runtime))
    assert first["alert_id"] == again["alert_id"]
    async with create_sessionmaker(engine)() as session:
        [alert] = (await session.scalars(select(Alert))).all()
        [note] = (await session.scalars(select(Notification))).all()
    assert (alert.kind, alert.alert_on) == ("threshold", NOW.date())
    assert (note.recipient_id, note.kind) == (coach.id, "threshold.caution")


async def test_daily_cron_requests_one_scan_per_gym(
    runtime: Runtime, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(churn_workers, "GYM_PAGE_SIZE", 2)
    async with create_sessionmaker(engine)() as session, session.begin():
        for _ in range(3):
            add_gym(session)
    context = job(runtime)
    assert await churn_workers.request_churn_scans(None, context) == {
        "gyms": 3,
        "pages": 2,
    }
    assert context.steps_run == [
        "scan-date",
        "request-gym-scans-0",
        "request-gym-scans-1",
    ]
