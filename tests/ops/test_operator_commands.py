"""`python -m app.cli deadletters …` and `status`, in a real process, and the
cron leader's heartbeat in the operator status."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import DeadLetter, OperatorAction
from app.db.repositories import dead_letter as dead_letter_repo
from app.db.session import create_sessionmaker
from app.jobs.dead_letters import (
    DeadLetterEntry,
    DeadLetters,
    Recorded,
    event_data_json,
)
from app.jobs.operator_status import operator_status
from app.jobs.scheduler import HOLDER, InlineScheduler
from app.runtime import build_runtime
from tests.cli.test_commands import cli
from tests.support.settings import make_settings

pytestmark = pytest.mark.db
PURGE = "privacy-purge-expired-records"


async def a_failed_cron_run(engine: AsyncEngine) -> uuid.UUID:
    entry = DeadLetterEntry(
        function_id=PURGE,
        run_id="inline-original",
        event_id=f"cron-{PURGE}-20261207T0441Z",
        event_name="inngest/scheduled.timer",
        resource_id=None,
        member_ids=None,
        error_code="operational_error",
        attempts=3,
        mode="inline",
        recorded_by="inline",
    )
    sessionmaker = create_sessionmaker(engine)
    assert await DeadLetters(sessionmaker).record(entry) is Recorded.INSERTED
    async with sessionmaker() as session:
        return (await session.scalars(select(DeadLetter.id))).one()


async def test_the_commands_list_replay_once_and_report_status(
    tmp_path: Path, database_url: str, engine: AsyncEngine
) -> None:
    letter_id = await a_failed_cron_run(engine)
    env = {"DATABASE_URL": database_url}
    listed = cli(tmp_path, "deadletters", "list", **env)
    assert listed.returncode == 0, listed.stderr
    [group] = json.loads(listed.stdout)["runs"]
    assert (group["function_id"], group["error_code"], group["count"]) == (
        PURGE,
        "operational_error",
        1,
    )
    shown = json.loads(
        cli(tmp_path, "deadletters", "show", str(letter_id), **env).stdout
    )
    assert shown["run_id"] == "inline-original"
    assert shown["replayable"] is True  # a cron: replayed as a tick now
    first = cli(
        tmp_path, "deadletters", "replay", str(letter_id), "--actor", "ann", **env
    )
    second = cli(tmp_path, "deadletters", "replay", str(letter_id), **env)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["first"], two["first"]) == (True, False)
    assert one["outcome"] == two["outcome"] == "completed"
    assert one["run_id"] == two["run_id"]
    unknown = cli(tmp_path, "deadletters", "show", str(uuid.uuid4()), **env)
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout) == {
        "code": "not_found",
        "detail": "no such dead letter",
    }
    status = cli(tmp_path, "status", **env)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["dead_letters_open"] == 0
    assert report["outbox"] == {"pending": 0, "oldest_pending_age_s": None, "dead": 0}
    assert PURGE in {c["function_id"] for c in report["crons"]}
    async with create_sessionmaker(engine)() as session:
        [action] = (await session.scalars(select(OperatorAction))).all()
    assert (action.actor, action.outcome) == ("ann", "completed")


async def test_the_status_names_the_cron_leader(
    database_url: str, engine: AsyncEngine
) -> None:
    runtime = build_runtime(make_settings(database_url))
    assert runtime.inline_runner is not None
    try:
        before = await operator_status(runtime)

        async def stop_after_one_cycle(_: float) -> None:
            scheduler.stop()

        scheduler = InlineScheduler(
            runtime, runtime.inline_runner, sleep=stop_after_one_cycle
        )
        await scheduler.run_forever()
        after = await operator_status(runtime)
    finally:
        await runtime.dispose()
    assert before["scheduler"]["leader"] is None
    assert before["scheduler"]["leader_stale"] is True
    assert after["scheduler"]["leader"] == HOLDER
    assert after["scheduler"]["leader_stale"] is False


async def test_erasure_finds_a_member_in_the_kept_event_data(
    engine: AsyncEngine,
) -> None:
    member_id = str(uuid.uuid4())
    entry = DeadLetterEntry(
        function_id="social-fan-out",
        run_id="inline-erased",
        event_id="evt-1",
        event_name="platform/social.post-created",
        resource_id=None,
        member_ids=None,  # a field the registry did not list as a member's
        error_code="runtime_error",
        attempts=1,
        mode="inline",
        recorded_by="inline",
        event_data=event_data_json({"author_id": member_id, "_trace": {"x": "y"}}),
    )
    sessionmaker = create_sessionmaker(engine)
    assert await DeadLetters(sessionmaker).record(entry) is Recorded.INSERTED
    async with sessionmaker() as session:
        [kept] = (await session.scalars(select(DeadLetter.event_data))).all()
    assert kept == f'{{"author_id":"{member_id}"}}'  # no trace context kept
    async with sessionmaker() as session, session.begin():
        assert await dead_letter_repo.delete_mentioning(session, member_id) == 1
