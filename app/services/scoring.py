"""Scoring use cases: record the PRs of a logged item, score its period.

Both are idempotent: PRs are insert-or-ignore on their natural key and the
score is an upsert on (member, period), so a repeated run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.models.gym import Member
from app.db.repositories import benchmark as benchmark_repo
from app.db.repositories import score as score_repo
from app.db.repositories import workout as workout_repo
from app.domain import progress, progress_inputs, records, workout_records
from app.domain.adherence import WHO_DEFAULT_PLAN, WeeklyPlan
from app.domain.training_log import BenchmarkRecord
from app.services import clock, training_log
from app.services.errors import SourceNotFoundError

Source = Literal["workout", "benchmark"]
PROGRESS_CONFIG = progress.ProgressConfig()
PR_WINDOW = dt.timedelta(days=28)


async def _source_time(
    session: AsyncSession, member: Member, source: Source, source_id: uuid.UUID
) -> tuple[dt.datetime, str]:
    """When the logged item happened, and the time zone it was logged in."""
    if source == "workout":
        workout = await workout_repo.get_workout(session, source_id)
        if workout is not None and workout.member_id == member.id:
            return workout.performed_at, workout.tz
    else:
        bench = await benchmark_repo.get_benchmark(session, source_id)
        if bench is not None and bench.member_id == member.id:
            return bench.performed_at, member.timezone
    raise SourceNotFoundError()


def _record_row(
    member_id: uuid.UUID, at: dt.datetime, found: workout_records.RecordFound
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "member_id": member_id,
        "exercise": found.exercise,
        "kind": found.kind.value,
        "rep_bucket": found.rep_bucket,
        "source_id": uuid.UUID(found.source_id),
        "achieved_at": at,
        "value": found.result.value,
        "previous_best": found.result.previous_best,
        "notify": found.result.notify,
        "created_at": utcnow(),
    }


async def _workout_records(
    session: AsyncSession, member: Member, workout_id: uuid.UUID
) -> list[workout_records.RecordFound]:
    workout = await workout_repo.get_workout(session, workout_id)
    assert workout is not None  # noqa: S101 - checked by _source_time
    sets = [
        (row.id, training_log.to_logged_set(row))
        for row in await workout_repo.list_sets_for(session, workout_id)
    ]
    history = await training_log.load_exercise_history(
        session, member.id, {s.exercise for _, s in sets}, workout.performed_at
    )
    return workout_records.find_workout_records(
        str(workout.id), workout.performed_at, sets, history
    )


async def _benchmark_records(
    session: AsyncSession, member: Member, at: dt.datetime, benchmark_id: uuid.UUID
) -> list[workout_records.RecordFound]:
    rows = await training_log.load_benchmarks(session, member, at.date())
    mine = [b for b in rows if b.benchmark_id == str(benchmark_id)]
    earlier: list[BenchmarkRecord] = [b for b in rows if b.performed_at < at]
    found = workout_records.find_benchmark_record(mine[0], earlier) if mine else None
    return [found] if found is not None else []


async def record_prs(
    session: AsyncSession, member_id: uuid.UUID, source: Source, source_id: uuid.UUID
) -> int:
    """Store the PRs the item set (baselines included); returns how many."""
    member = await training_log.require_member(session, member_id)
    at, _ = await _source_time(session, member, source, source_id)
    if source == "workout":
        found = await _workout_records(session, member, source_id)
    else:
        found = await _benchmark_records(session, member, at, source_id)
    return await score_repo.add_records(
        session, [_record_row(member.id, at, f) for f in found]
    )


def member_plan(member: Member) -> WeeklyPlan:
    default = WHO_DEFAULT_PLAN
    strength = member.plan_strength_days
    aerobic = member.plan_aerobic_minutes
    return WeeklyPlan(
        strength=default.strength if strength is None else float(strength),
        aerobic_minutes=default.aerobic_minutes if aerobic is None else float(aerobic),
    )


def _explain(score: progress.ProgressScore) -> dict[str, Any]:
    return {
        "score": None if score.score is None else round(score.score, 1),
        "config_version": score.config_version,
        "components": [
            {
                "component": c.component.value,
                "value": round(c.value, 1),
                "input": c.input_text,
                "weight": c.weight,
                "effective_weight": round(c.effective_weight, 4),
            }
            for c in score.components
        ],
        "reasons": [
            {"code": r.code.value, "component": r.component.value, "text": r.text}
            for r in score.reasons
        ],
    }


async def save_progress_score(
    session: AsyncSession, member_id: uuid.UUID, source: Source, source_id: uuid.UUID
) -> uuid.UUID:
    """Compute the score of the item's period (its local date) and upsert it."""
    member = await training_log.require_member(session, member_id)
    at, tz = await _source_time(session, member, source, source_id)
    return await save_progress_score_on(session, member, training_log.local_day(at, tz))


async def rescore_member(session: AsyncSession, member_id: uuid.UUID) -> uuid.UUID:
    """Recompute the member's score of their local today (after a profile or
    plan change), the same way a logged workout does."""
    member = await training_log.require_member(session, member_id)
    today = training_log.local_day(clock.now(), member.timezone)
    return await save_progress_score_on(session, member, today)


async def save_progress_score_on(
    session: AsyncSession, member: Member, today: dt.date
) -> uuid.UUID:
    """Compute the member's score of the period `today` and upsert it."""
    first = today - dt.timedelta(days=2 * progress_inputs.STRENGTH_WINDOW_DAYS)
    workouts = await training_log.load_workouts(session, member.id, first, today)
    benchmarks = await training_log.load_benchmarks(session, member, today)
    day_end = training_log.start_of_day(today + dt.timedelta(days=1))
    pr_sessions = await score_repo.list_notified_record_sessions(
        session, member.id, since=day_end - PR_WINDOW, until=day_end
    )
    prs = records.count_scoring_prs(pr_sessions)
    joined = member.joined_at or member.created_at
    inputs = progress_inputs.build_progress_inputs(
        workouts,
        benchmarks,
        today=today,
        prs_last_28_days=prs,
        plan=member_plan(member),
        joined_on=min(training_log.local_day(joined, member.timezone), today),
    )
    score = progress.compute_progress_score(inputs, PROGRESS_CONFIG)
    return await score_repo.save_score(
        session,
        member_id=member.id,
        gym_id=member.gym_id,
        period_on=today,
        values=_explain(score),
    )
