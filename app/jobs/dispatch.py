"""`dispatch`: hand follow-up work to Inngest, or run it inline.

Call it inside a unit of work (`Runtime.transaction()`, or the `SessionDep`
of a route). Enabled: each event becomes an outbox row in the caller's
transaction (its id is the Inngest event id) and the relay is woken right after
commit, so the caller never waits on Inngest. Disabled: after commit, the same
worker handlers run inline and are awaited. A rollback sends nothing.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core import tracing
from app.db.repositories import outbox as outbox_repo
from app.jobs.events.base import PlatformEvent

if TYPE_CHECKING:
    from app.jobs.inline_runner import InlineRunner
    from app.jobs.outbox_relay import OutboxRelay

STAGED_KEY = "platform_events_staged"


def new_event_id(event: PlatformEvent) -> str:
    key = event.dedupe_key()
    return f"{event.name}:{key}" if key else str(uuid.uuid4())


class Dispatcher:
    def __init__(
        self,
        *,
        enabled: bool,
        relay: OutboxRelay | None = None,
        inline: InlineRunner | None = None,
    ) -> None:
        self.enabled = enabled
        self._relay = relay
        self._inline = inline

    async def dispatch(
        self, session: AsyncSession, *events: PlatformEvent
    ) -> list[str]:
        """Stage events in the session's transaction; returns their event ids."""
        if not tracing.enabled():
            return await self._dispatch(session, events)
        names = sorted({e.name for e in events})
        with tracing.tracer().start_as_current_span(
            "dispatch", attributes={"event.names": names, "event.count": len(events)}
        ):
            return await self._dispatch(session, events)

    async def _dispatch(
        self, session: AsyncSession, events: tuple[PlatformEvent, ...]
    ) -> list[str]:
        staged: list[tuple[str, PlatformEvent]] = session.info.setdefault(
            STAGED_KEY, []
        )
        rows: list[dict[str, Any]] = []
        ids: list[str] = []
        trace_context = tracing.carrier()  # ids only; None when tracing is off
        for event in events:
            payload = event.payload()  # size guard raises before anything is written
            if trace_context is not None:
                payload[tracing.TRACE_KEY] = trace_context
            event_id = new_event_id(event)
            ids.append(event_id)
            if any(staged_id == event_id for staged_id, _ in staged):
                continue
            staged.append((event_id, event))
            rows.append(
                {
                    "id": event_id,
                    "name": event.name,
                    "category": event.category().value,
                    "resource_id": event.resource_id(),
                    "payload": payload,
                }
            )
        if self.enabled:
            await outbox_repo.add_events(session, rows)
        return ids

    async def after_commit(self, session: AsyncSession) -> None:
        staged: list[tuple[str, PlatformEvent]] = session.info.pop(STAGED_KEY, [])
        if not staged:
            return
        if self.enabled:
            if self._relay is not None:
                self._relay.wake()
        elif self._inline is not None:
            await self._inline.run(staged)


@sa_event.listens_for(Session, "after_rollback")
def _drop_staged(session: Session) -> None:
    """A rolled-back transaction dispatches nothing."""
    session.info.pop(STAGED_KEY, None)
