"""Scoring workers: PRs and the progress score after a workout or benchmark."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.events.scoring import MemberRescoreRequested, ScoreCalculationRequested
from app.jobs.flow_control import one_at_a_time_per
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import scoring

ONE_PER_MEMBER = one_at_a_time_per("member_id")


@REGISTRY.worker(
    fn_id="scoring-calculate",
    event=ScoreCalculationRequested,
    concurrency=ONE_PER_MEMBER,
)
async def calculate_score(
    event: ScoreCalculationRequested, job: JobContext
) -> dict[str, Any]:
    async def record_prs(session: AsyncSession) -> int:
        return await scoring.record_prs(
            session, event.member_id, event.source, event.source_id
        )

    async def save_score(session: AsyncSession) -> str:
        score_id = await scoring.save_progress_score(
            session, event.member_id, event.source, event.source_id
        )
        return str(score_id)

    prs = await job.step("record-prs", lambda: in_transaction(job, record_prs))
    score_id = await job.step("save-score", lambda: in_transaction(job, save_score))
    return {"score_id": score_id, "records": prs}


@REGISTRY.worker(
    fn_id="scoring-rescore-member",
    event=MemberRescoreRequested,
    concurrency=ONE_PER_MEMBER,
)
async def rescore_member(
    event: MemberRescoreRequested, job: JobContext
) -> dict[str, Any]:
    async def save_score(session: AsyncSession) -> str:
        return str(await scoring.rescore_member(session, event.member_id))

    score_id = await job.step("save-score", lambda: in_transaction(job, save_score))
    return {"score_id": score_id}
