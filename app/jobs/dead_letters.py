"""Dead letters: one row per run that failed for good, with one Sentry event.

Who writes the row:

- Inngest mode: our Inngest middleware, at the moment it reports the final
  failure to Sentry (app/jobs/middleware.py); then the `on_failure` handler
  that the registry adds to every function receives Inngest's
  `inngest/function.failed` event and inserts the row only if it is missing
  (a failure our code never saw, such as a run timeout). Only the writer that
  inserted the row reports to Sentry, so each failure gives one row and one
  Sentry event, linked by `sentry_event_id`.
- Inline mode: the inline runner, when a worker's last attempt failed.

Rows hold ids and codes only (see app/db/models/dead_letter.py). A failure
about a member who has been erased since (a late run or retry that found the
member gone) is expected: it writes no row and reports nothing, so erasure
stays complete.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from app.core import metrics
from app.core.logging import get_logger
from app.core.tracing import without_trace
from app.db.repositories import dead_letter as dead_letter_repo
from app.db.repositories import erasure as erasure_repo
from app.db.session import SessionMaker

log = get_logger("app.jobs.dead_letters")
CODE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
WRITE_ATTEMPTS = 3
WRITE_RETRY_S = 0.2
MAX_EVENT_DATA_BYTES = 2048  # dispatch's payload guard


class Recorded(enum.StrEnum):
    INSERTED = "inserted"
    EXISTS = "exists"  # this run has its row (and its Sentry event) already
    ERASED = "erased"  # the event named a member erased since: nothing kept
    FAILED = "failed"  # the database did not take it (logged)


@dataclasses.dataclass(frozen=True)
class DeadLetterEntry:
    function_id: str
    run_id: str
    event_id: str | None
    event_name: str | None
    resource_id: str | None
    member_ids: str | None  # comma-separated: every member the event named
    error_code: str
    attempts: int | None
    mode: str  # inngest | inline
    recorded_by: str  # middleware | on_failure | inline
    event_data: str | None = None  # the event's ids-only data, for a replay


def event_data_json(data: object) -> str | None:
    """The event's data as JSON for a replay, or None (none, or over the
    dispatch size guard: then a replay is not offered)."""
    if not isinstance(data, Mapping) or not data:
        return None
    text = json.dumps(
        without_trace(data), sort_keys=True, separators=(",", ":"), default=str
    )
    return text if len(text.encode()) <= MAX_EVENT_DATA_BYTES else None


def failure_code(name: str | None, message: str | None) -> str:
    """A short, value-free code for an error: our codes pass, the rest is the type.

    Worker errors carry codes as messages (`member_not_found`); an invalid
    payload names field paths only; anything else is reduced to its type name.
    """
    text = (message or "").strip()
    if CODE.match(text):
        return text
    if text.startswith("invalid payload for"):
        return "invalid_payload"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name or "error").lower()
    return re.sub(r"[^a-z0-9_]", "", snake)[:64] or "error"


def error_code_of(error: BaseException) -> str:
    code = getattr(error, "code", None)
    if isinstance(code, str) and CODE.match(code):
        return code
    return failure_code(type(error).__name__, str(error))


@dataclasses.dataclass(frozen=True)
class EventIdFields:
    """Where a worker's event keeps the ids a dead letter may copy."""

    resource_field: str | None = None
    member_fields: tuple[str, ...] = ()

    def resource_id(self, data: object) -> str | None:
        return _uuid_field(data, self.resource_field)

    def member_ids(self, data: object) -> str | None:
        found = [_uuid_field(data, field) for field in self.member_fields]
        ids = sorted({i for i in found if i is not None})
        return ",".join(ids) or None


def _uuid_field(data: object, field: str | None) -> str | None:
    """A field's value only if it is a well-formed UUID (never other input)."""
    if field is None or not isinstance(data, Mapping):
        return None
    try:
        return str(uuid.UUID(str(data.get(field))))
    except ValueError:
        return None


class DeadLetters:
    def __init__(self, sessionmaker: SessionMaker) -> None:
        self._sessionmaker = sessionmaker

    async def record(self, entry: DeadLetterEntry) -> Recorded:
        """Insert the row unless this run has one already."""
        values: dict[str, Any] = dataclasses.asdict(entry)
        for attempt in range(WRITE_ATTEMPTS):
            try:
                async with self._sessionmaker() as session, session.begin():
                    members = (entry.member_ids or "").split(",")
                    if await erasure_repo.any_erased(session, filter(None, members)):
                        log.info(
                            "job.failed_after_erasure", function_id=entry.function_id
                        )
                        return Recorded.ERASED
                    inserted = await dead_letter_repo.add(session, values)
            except Exception as exc:  # noqa: BLE001 - logged; the failure stays in Sentry
                log.warning(
                    "job.dead_letter_write_failed",
                    function_id=entry.function_id,
                    attempt=attempt + 1,
                    error=type(exc).__name__,
                )
                await asyncio.sleep(WRITE_RETRY_S * (attempt + 1))
                continue
            if not inserted:
                return Recorded.EXISTS
            metrics.dead_letters.labels(entry.function_id, entry.mode).inc()
            log.error(
                "job.dead_lettered",
                function_id=entry.function_id,
                run_id=entry.run_id,
                event_id=entry.event_id,
                error_code=entry.error_code,
                recorded_by=entry.recorded_by,
            )
            return Recorded.INSERTED
        return Recorded.FAILED

    async def record_and_report(
        self, entry: DeadLetterEntry, report: Callable[[], str | None]
    ) -> Recorded:
        """Write the row, then report to Sentry unless the run was handled already.

        `report` sends the one Sentry event and returns its id, which is stored
        on the row. If the database failed, the report still goes out.
        """
        recorded = await self.record(entry)
        if recorded in (Recorded.EXISTS, Recorded.ERASED):
            return recorded
        sentry_event_id = report()
        if recorded is Recorded.INSERTED and sentry_event_id is not None:
            async with self._sessionmaker() as session, session.begin():
                await dead_letter_repo.set_sentry_event_id(
                    session, entry.function_id, entry.run_id, sentry_event_id
                )
        return recorded
