"""Run one piece of a worker's I/O in its own transaction.

`NotFoundError`s (unknown member, alert, source) are permanent: they become
`inngest.NonRetriableError` with the error code only (no values), so Inngest
and the inline runner stop after one attempt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import inngest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFoundError
from app.jobs.job_context import JobContext

T = TypeVar("T")


async def in_transaction(
    job: JobContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    try:
        async with job.runtime.transaction() as session:
            return await work(session)
    except NotFoundError as exc:
        raise inngest.NonRetriableError(exc.code) from None
