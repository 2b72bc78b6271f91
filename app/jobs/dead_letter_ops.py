"""What an operator does with work that failed for good.

Two kinds, one set of verbs (the `deadletters` command and the operator API,
both for platform admins):

- dead letters (`target` "run"): a function run that failed its last attempt,
  inline or under Inngest. A replay is one new run of that one function, run
  inline here (as `cron run` does, in either mode: under Inngest the events
  it dispatches go through the outbox) for the original event (same event id,
  data from the row) or, for a cron, a tick now. The new run's id is kept in
  the audit row: it links to the original, and if it fails too its own dead
  letter carries the same event id.
- dead outbox events (`target` "event"): events the event API rejected too
  often. A replay requeues that row; the relay sends it again.

Every replay and discard is audited in `operator_actions` (the admin's
subject, ids, codes, outcome), at most once per target: asking twice (a
double click, two operators, a retried request) returns the first action
and runs nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import ValidationError

from app.core.errors import ConflictError, NotFoundError
from app.core.logging import get_logger
from app.db.models.dead_letter import DeadLetter
from app.db.models.operations import ActionOutcome, OperatorAction
from app.db.models.outbox import OutboxStatus
from app.db.repositories import operations as ops_repo
from app.jobs.events.base import PlatformEvent
from app.jobs.inline_runner import InlineRunner, new_run_id
from app.jobs.registry import Worker
from app.runtime import Runtime
from app.services import clock

log = get_logger("app.jobs.operations")
RUN, EVENT = "run", "event"
REPLAY, DISCARD = "replay", "discard"
BULK_LIMIT = 500


def dead_letter_view(row: DeadLetter, worker: Worker | None) -> dict[str, Any]:
    """Ids and codes only (never the event's data)."""
    return {
        "id": str(row.id),
        "function_id": row.function_id,
        "run_id": row.run_id,
        "event_id": row.event_id,
        "event_name": row.event_name,
        "resource_id": row.resource_id,
        "error_code": row.error_code,
        "attempts": row.attempts,
        "mode": row.mode,
        "recorded_by": row.recorded_by,
        "sentry_event_id": row.sentry_event_id,
        "created_at": row.created_at.isoformat(),
        "resolution": row.resolution,
        # A cron replays as a tick now; an event run needs the event's data.
        "replayable": worker is not None
        and row.resolution is None
        and (worker.event is None or row.event_data is not None),
    }


def action_view(action: OperatorAction, *, first: bool) -> dict[str, Any]:
    return {
        "target": action.target,
        "target_id": action.target_id,
        "action": action.action,
        "function_id": action.function_id,
        "run_id": action.run_id,
        "outcome": action.outcome,
        "first": first,  # False: done before, nothing ran now
        "at": action.created_at.isoformat(),
    }


class DeadLetterOps:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def overview(self) -> dict[str, Any]:
        async with self._runtime.sessionmaker() as session:
            runs = await ops_repo.dead_letter_groups(session)
            events = await ops_repo.dead_event_groups(session)
        return {"runs": _iso(runs), "events": _iso(events)}

    # --- dead letters -------------------------------------------------------------------

    async def show(self, dead_letter_id: uuid.UUID) -> dict[str, Any]:
        row = await self._dead_letter(dead_letter_id)
        return dead_letter_view(row, self._runtime.registry.get(row.function_id))

    async def replay(self, dead_letter_id: uuid.UUID, actor: str) -> dict[str, Any]:
        row = await self._dead_letter(dead_letter_id)
        worker, event = self._replay_input(row)
        target_id = str(row.id)
        first = await self._claim(RUN, target_id, REPLAY, row.function_id, actor)
        if not first:
            return await self._existing(RUN, target_id, REPLAY)
        run_id = new_run_id()
        runner = self._runtime.inline_runner or InlineRunner(
            self._runtime.registry, self._runtime
        )
        ok = await runner.run_again(worker, row.event_id or run_id, event, run_id)
        outcome = ActionOutcome.COMPLETED if ok else ActionOutcome.FAILED
        async with self._runtime.transaction() as session:
            await ops_repo.finish_action(
                session,
                target=RUN,
                target_id=target_id,
                action_name=REPLAY,
                outcome=outcome.value,
                run_id=run_id,
                at=clock.now(),
            )
            await ops_repo.resolve_dead_letter(session, row.id, "replayed", clock.now())
        log.info(
            "ops.dead_letter_replayed",
            function_id=row.function_id,
            dead_letter_id=target_id,
            original_run_id=row.run_id,
            run_id=run_id,
            outcome=outcome.value,
        )
        return await self._existing(RUN, target_id, REPLAY, first=True)

    async def replay_function(self, function_id: str, actor: str) -> dict[str, Any]:
        if self._runtime.registry.get(function_id) is None:
            raise NotFoundError("no such function")
        async with self._runtime.sessionmaker() as session:
            rows = await ops_repo.open_dead_letters_of(session, function_id, BULK_LIMIT)
        results = []
        for row in rows:
            try:
                results.append(await self.replay(row.id, actor))
            except ConflictError as refused:
                results.append({"target_id": str(row.id), "refused": refused.detail})
        return {"function_id": function_id, "replays": results}

    async def discard(self, dead_letter_id: uuid.UUID, actor: str) -> dict[str, Any]:
        row = await self._dead_letter(dead_letter_id)
        target_id = str(row.id)
        if row.resolution == "replayed":
            raise ConflictError("dead letter was replayed already")
        first = await self._claim(
            RUN, target_id, DISCARD, row.function_id, actor, ActionOutcome.DISCARDED
        )
        if first:
            async with self._runtime.transaction() as session:
                await ops_repo.resolve_dead_letter(
                    session, row.id, "discarded", clock.now()
                )
            log.info("ops.dead_letter_discarded", dead_letter_id=target_id)
        return await self._existing(RUN, target_id, DISCARD, first=first)

    # --- dead outbox events ---------------------------------------------------------------

    async def show_event(self, event_id: str) -> dict[str, Any]:
        async with self._runtime.sessionmaker() as session:
            row = await ops_repo.outbox_event(session, event_id)
        if row is None:
            raise NotFoundError("no such outbox event")
        return {
            "id": row.id,
            "event_name": row.name,
            "category": row.category,
            "resource_id": row.resource_id,
            "status": row.status,
            "error_code": row.last_error,
            "attempts": row.attempts,
            "rejections": row.rejections,
            "created_at": row.created_at.isoformat(),
        }

    async def replay_event(self, event_id: str, actor: str) -> dict[str, Any]:
        return await self._event_action(event_id, actor, REPLAY)

    async def replay_events(self, event_name: str, actor: str) -> dict[str, Any]:
        async with self._runtime.sessionmaker() as session:
            ids = await ops_repo.dead_event_ids(session, event_name, BULK_LIMIT)
        return {
            "event_name": event_name,
            "replays": [await self.replay_event(i, actor) for i in ids],
        }

    async def discard_event(self, event_id: str, actor: str) -> dict[str, Any]:
        return await self._event_action(event_id, actor, DISCARD)

    async def _event_action(
        self, event_id: str, actor: str, action: str
    ) -> dict[str, Any]:
        """Requeue (replay) or delete (discard) one dead event, once."""
        done = await self._done(EVENT, event_id, action)
        if done is not None:
            return action_view(done, first=False)
        shown = await self.show_event(event_id)
        if shown["status"] != OutboxStatus.DEAD.value:
            raise ConflictError("outbox event is not dead")
        replay = action == REPLAY
        outcome = ActionOutcome.REQUEUED if replay else ActionOutcome.DISCARDED
        async with self._runtime.transaction() as session:
            first = await ops_repo.claim_action(
                session,
                target=EVENT,
                target_id=event_id,
                action=action,
                function_id=None,
                actor=actor,
                outcome=outcome.value,
                at=clock.now(),
            )
            if first and replay:
                await ops_repo.requeue_dead_event(session, event_id, clock.now())
            elif first:
                await ops_repo.delete_dead_event(session, event_id)
        if first:
            if replay:
                self._runtime.relay.wake()
            log.info("ops.dead_event_" + outcome.value, event_id=event_id)
        return await self._existing(EVENT, event_id, action, first=first)

    # --- helpers ------------------------------------------------------------------------------

    async def _dead_letter(self, dead_letter_id: uuid.UUID) -> DeadLetter:
        async with self._runtime.sessionmaker() as session:
            row = await ops_repo.dead_letter(session, dead_letter_id)
        if row is None:
            raise NotFoundError("no such dead letter")
        return row

    def _replay_input(self, row: DeadLetter) -> tuple[Worker, PlatformEvent | None]:
        if row.resolution == "discarded":
            raise ConflictError("dead letter was discarded")
        worker = self._runtime.registry.get(row.function_id)
        if worker is None:
            raise ConflictError("function no longer exists")
        if worker.event is None:
            return worker, None  # a cron: a tick now
        if row.event_data is None:
            raise ConflictError("dead letter keeps no event data to replay")
        try:
            return worker, worker.event.model_validate(json.loads(row.event_data))
        except (ValueError, ValidationError):
            raise ConflictError("dead letter's event data no longer valid") from None

    async def _claim(
        self,
        target: str,
        target_id: str,
        action: str,
        function_id: str | None,
        actor: str,
        outcome: ActionOutcome = ActionOutcome.RUNNING,
    ) -> bool:
        async with self._runtime.transaction() as session:
            return await ops_repo.claim_action(
                session,
                target=target,
                target_id=target_id,
                action=action,
                function_id=function_id,
                actor=actor,
                outcome=outcome.value,
                at=clock.now(),
            )

    async def _done(
        self, target: str, target_id: str, action: str
    ) -> OperatorAction | None:
        async with self._runtime.sessionmaker() as session:
            return await ops_repo.action(session, target, target_id, action)

    async def _existing(
        self, target: str, target_id: str, action: str, *, first: bool = False
    ) -> dict[str, Any]:
        found = await self._done(target, target_id, action)
        if found is None:  # claimed above: cannot vanish but by a purge
            raise NotFoundError("no such action")
        return action_view(found, first=first)


def _iso(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
        for row in rows
    ]
