"""Erasure worker: sweep what in-flight runs left behind about an erased member.

The erasure itself happens in the owner's request (app/services/erasure.py);
`MemberErased` also cancels the member's runs (registry `cancel` rules).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.events.privacy import MemberErased
from app.jobs.job_context import JobContext
from app.jobs.registry import REGISTRY
from app.jobs.unit_of_work import in_transaction
from app.services import erasure

SWEEP_RETRIES = 5


@REGISTRY.worker(
    fn_id="privacy-sweep-erased-member", event=MemberErased, retries=SWEEP_RETRIES
)
async def sweep_erased_member(event: MemberErased, job: JobContext) -> dict[str, int]:
    async def sweep(session: AsyncSession) -> dict[str, int]:
        return await erasure.sweep_member(session, event.member_id)

    return await job.step("sweep", lambda: in_transaction(job, sweep))
