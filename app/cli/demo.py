"""`python -m app.cli demo`: a demo gym with months of history, then the first
API calls to make against it.

History older than a week is written directly (it is the past); the last
week is logged through the same services and `dispatch` as the API routes,
so the scoring, injury-risk, readiness, feed and notification work runs as it
would for real (inline here, whatever the server's mode). Wearables use the
built-in fake provider (development default). Then the daily churn cron runs
once through the inline runner, as the inline scheduler would at 03:00 UTC.

Running it again finds the demo gym (fixed ids) and only prints the calls.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import Principal, Role, issue_token
from app.db.models import Benchmark, CheckIn, Gym, Member, Workout, WorkoutSet
from app.db.repositories import member as member_repo
from app.domain.wearables import Provider
from app.jobs.events.alerts import CheckInRecorded
from app.jobs.events.scoring import ScoreCalculationRequested
from app.jobs.inline_runner import InlineRunner
from app.jobs.scheduler import CronRecorder
from app.runtime import Runtime
from app.services import clock, social_actions, social_feed, training_entries
from app.services import wearable_connections as connections
from app.services.demo_history import (
    RECENT_DAYS,
    GymPlan,
    PersonPlan,
    WorkoutPlan,
    plan_gym,
)
from app.services.people import joined_at

DEFAULT_MEMBERS = 20
CHURN_CRON = "alerts-churn-scan-daily"
GYM_NAME = "Demo Strength & Conditioning"
TOKEN_TTL = dt.timedelta(hours=12)


def demo_settings(settings: Settings) -> Settings:
    """The demo runs its work here and now (inline), and its wearables on the
    built-in fake provider, whatever the server's mode."""
    return settings.model_copy(
        update={"INNGEST_ENABLED": False, "WEARABLE_PROVIDERS": "fake"}
    )


@dataclasses.dataclass(frozen=True)
class DemoGym:
    plan: GymPlan
    created: bool


async def run_demo(runtime: Runtime, *, members: int) -> DemoGym:
    plan = plan_gym(clock.utc_today(), members)
    # One boundary for both halves: written directly before it, logged after.
    cutoff = clock.now() - dt.timedelta(days=RECENT_DAYS)
    async with runtime.transaction() as session:
        if await member_repo.get_gym(session, plan.gym_id) is not None:
            return DemoGym(plan, created=False)
        _add_people(session, plan)
        await session.flush()
        _add_past(session, plan, cutoff)
    for person in plan.members:
        await _log_recent(runtime, person, cutoff)
    await _connect_wearables(runtime, plan)
    await _socialise(runtime, plan)
    runner = runtime.inline_runner or InlineRunner(runtime.registry, runtime)
    await runner.drain()  # the wearable syncs run after their "request"
    [churn] = [w for w in runtime.registry.workers if w.fn_id == CHURN_CRON]
    await CronRecorder(runtime, runner).run(churn, clock.now(), "manual")
    return DemoGym(plan, created=True)


def _add_people(session: AsyncSession, plan: GymPlan) -> None:
    now = clock.now()
    session.add(Gym(id=plan.gym_id, name=GYM_NAME, timezone="UTC", created_at=now))
    staff = [plan.owner, *plan.coaches]
    for person in staff:
        session.add(_person(plan, person, coach_id=None))
    for n, person in enumerate(plan.members):
        coach = plan.coaches[n % len(plan.coaches)].id
        session.add(_person(plan, person, coach_id=coach, plan_days=2 + n % 3))


def _person(
    plan: GymPlan,
    person: PersonPlan,
    *,
    coach_id: uuid.UUID | None,
    plan_days: int | None = None,
) -> Member:
    return Member(
        id=person.id,
        gym_id=plan.gym_id,
        role=person.role,
        display_name=person.name,
        timezone="UTC",
        joined_at=joined_at(person.joined_on),
        created_at=clock.now(),
        coach_id=coach_id,
        plan_strength_days=plan_days,
        sex="female" if person.id.int % 2 else "male",
        birth_year=1975 + (person.id.int % 30),
    )


def _add_past(session: AsyncSession, plan: GymPlan, cutoff: dt.datetime) -> None:
    for person in plan.members:
        for workout in person.workouts:
            if workout.performed_at < cutoff:
                _add_workout(session, person, plan.gym_id, workout)
        for visit in person.visits:
            if visit < cutoff:
                session.add(
                    CheckIn(
                        member_id=person.id,
                        gym_id=plan.gym_id,
                        checked_in_at=visit,
                        is_class=visit.hour == 18,
                    )
                )
        for result in person.benchmarks:
            if result.performed_at < cutoff:
                session.add(
                    Benchmark(
                        member_id=person.id,
                        gym_id=plan.gym_id,
                        code=result.code,
                        performed_at=result.performed_at,
                        value=result.value,
                        lower_is_better=result.lower_is_better,
                    )
                )


def _add_workout(
    session: AsyncSession, person: PersonPlan, gym_id: uuid.UUID, plan: WorkoutPlan
) -> None:
    workout = Workout(
        id=uuid.uuid4(),
        member_id=person.id,
        gym_id=gym_id,
        performed_at=plan.performed_at,
        tz="UTC",
        kind=plan.kind,
        minutes=plan.minutes,
        rpe=plan.rpe,
        distance_m=plan.distance_m,
    )
    session.add(workout)
    for position, s in enumerate(plan.sets):
        session.add(
            WorkoutSet(
                workout_id=workout.id,
                position=position,
                exercise=s.exercise,
                load_kg=s.load_kg,
                reps=s.reps,
                rpe=s.rpe,
            )
        )


async def _member(session: AsyncSession, person: PersonPlan) -> Member:
    member = await member_repo.get_member(session, person.id)
    if member is None:
        raise RuntimeError("demo member vanished")
    return member


async def _log_recent(
    runtime: Runtime, person: PersonPlan, cutoff: dt.datetime
) -> None:
    """The last week, one transaction per entry, as the API would log it."""
    for plan in person.workouts:
        if plan.performed_at < cutoff:
            continue
        async with runtime.transaction() as session:
            member = await _member(session, person)
            entry = training_entries.WorkoutEntry(
                performed_at=plan.performed_at,
                kind=plan.kind,
                minutes=plan.minutes,
                rpe=plan.rpe,
                distance_m=plan.distance_m,
                sets=tuple(
                    training_entries.SetEntry(s.exercise, s.load_kg, s.reps, s.rpe)
                    for s in plan.sets
                ),
            )
            workout = await training_entries.log_workout(session, member, entry)
            await runtime.dispatcher.dispatch(
                session,
                ScoreCalculationRequested(
                    member_id=member.id, source="workout", source_id=workout.id
                ),
            )
    for visit in person.visits:
        if visit < cutoff:
            continue
        async with runtime.transaction() as session:
            member = await _member(session, person)
            check_in = await training_entries.log_check_in(
                session, member, checked_in_at=visit, is_class=visit.hour == 18
            )
            await runtime.dispatcher.dispatch(
                session, CheckInRecorded(member_id=member.id, check_in_id=check_in.id)
            )
    for result in person.benchmarks:
        if result.performed_at < cutoff:
            continue
        async with runtime.transaction() as session:
            member = await _member(session, person)
            benchmark = await training_entries.log_benchmark(
                session,
                member,
                code=result.code,
                performed_at=result.performed_at,
                value=result.value,
                lower_is_better=result.lower_is_better,
            )
            await runtime.dispatcher.dispatch(
                session,
                ScoreCalculationRequested(
                    member_id=member.id, source="benchmark", source_id=benchmark.id
                ),
            )


async def _connect_wearables(runtime: Runtime, plan: GymPlan) -> None:
    """Oura rings on the fake provider: `fake-<profile>-<n>` tokens."""
    for n, person in enumerate(plan.members):
        if person.profile not in ("badweek", "wearable", "spike"):
            continue
        profile = "badweek" if person.profile == "badweek" else "steady"
        async with runtime.transaction() as session:
            member = await _member(session, person)
            await connections.connect(
                session,
                runtime.dispatcher,
                member,
                provider=Provider.OURA,
                external_user_id=f"demo-oura-{n}",
                access_token=f"fake-{profile}-{n:04d}",
                refresh_token=None,
            )


async def _socialise(runtime: Runtime, plan: GymPlan) -> None:
    """Follows among members, a few posts, reactions and a comment."""
    members = [m for m in plan.members if m.profile != "drifting"]
    for n, person in enumerate(members):
        async with runtime.transaction() as session:
            follower = await _member(session, person)
            for step in (1, 2, 3):
                other = members[(n + step) % len(members)]
                await social_actions.follow(
                    session, runtime.dispatcher, follower, other.id
                )
    post_ids: list[uuid.UUID] = []
    for person, text in zip(members[:4], _POSTS, strict=False):
        async with runtime.transaction() as session:
            author = await _member(session, person)
            post = await social_feed.create_post(
                session,
                runtime.dispatcher,
                author,
                kind="note",
                body=text,
                workout_id=None,
            )
            post_ids.append(post.id)
    kinds = ("fire", "strong", "clap", "like")
    for n, person in enumerate(members[4:10]):
        async with runtime.transaction() as session:
            actor = await _member(session, person)
            for k, post_id in enumerate(post_ids[:2]):
                await social_actions.react(
                    session, runtime.dispatcher, actor, post_id, kinds[(n + k) % 4]
                )
    if post_ids and len(members) > 5:
        async with runtime.transaction() as session:
            actor = await _member(session, members[5])
            await social_actions.comment(
                session, runtime.dispatcher, actor, post_ids[0], "Great work!"
            )


_POSTS = (
    "New squat PR this morning!",
    "Back after a week off, feels good.",
    "Rowed my best 2k yet.",
    "Who is in for Saturday's class?",
)


def tokens(settings: Settings, plan: GymPlan) -> dict[str, str]:
    def token(person: PersonPlan, role: Role) -> str:
        principal = Principal(person.id, plan.gym_id, role)
        return issue_token(settings, principal, ttl=TOKEN_TTL)

    return {
        "owner": token(plan.owner, Role.OWNER),
        "coach": token(plan.coaches[0], Role.COACH),
        "member": token(plan.by_profile("spike"), Role.MEMBER),
    }


def render(made: DemoGym, settings: Settings, *, base_url: str, as_json: bool) -> str:
    plan = made.plan
    minted = tokens(settings, plan)
    if as_json:
        return json.dumps(
            {
                "gym_id": str(plan.gym_id),
                "created": made.created,
                "tokens": minted,
                "member_ids": [str(m.id) for m in plan.members],
                "members": [
                    {"id": str(m.id), "name": m.name, "profile": m.profile}
                    for m in plan.members
                ],
            }
        )
    spike = plan.by_profile("spike").id
    badweek = plan.by_profile("badweek").id
    state = "created" if made.created else "already there (nothing written)"
    return "\n".join(
        [
            f"# Demo gym {plan.gym_id}: {state}.",
            "# Paste into a shell while `make run` serves:",
            f"export BASE={base_url}",
            f"export OWNER_TOKEN={minted['owner']}",
            f"export COACH_TOKEN={minted['coach']}",
            f"export MEMBER_TOKEN={minted['member']}",
            "",
            "# The coach's roster with risk levels (unresolved alerts, readiness)",
            'curl -s -H "Authorization: Bearer $COACH_TOKEN" "$BASE/api/v1/members?role=member"',
            "# An injury-risk alert (workload spike)",
            'curl -s -H "Authorization: Bearer $COACH_TOKEN" "$BASE/api/v1/alerts?kind=injury_risk"',
            "# Churn alerts (from the daily churn cron)",
            'curl -s -H "Authorization: Bearer $OWNER_TOKEN" "$BASE/api/v1/alerts?kind=churn_risk"',
            "# A readiness score (a bad week of sleep on the fake Oura ring)",
            'curl -s -H "Authorization: Bearer $COACH_TOKEN" '
            f'"$BASE/api/v1/wearables/readiness?member_id={badweek}"',
            "# A member's progress score with its reasons",
            f'curl -s -H "Authorization: Bearer $MEMBER_TOKEN" "$BASE/api/v1/members/{spike}/scores"',
            "# The member's feed",
            'curl -s -H "Authorization: Bearer $MEMBER_TOKEN" "$BASE/api/v1/social/feed"',
        ]
    )
