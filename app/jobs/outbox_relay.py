"""The relay: sends due outbox rows to Inngest, with backoff and an attempt cap.

Runs as a task started by the app's lifespan (woken after each commit that
dispatched, then waiting `OUTBOX_RELAY_WAKE_DELAY_MS` so close commits share a
cycle) or as its own process (`python -m app.jobs.relay`). Rows are
leased, so several relays can share one PostgreSQL outbox.

- An outage (no response, timeout, 5xx without a body) never kills a row: it
  is retried with exponential backoff, however long the outage lasts.
- A rejection counts towards `OUTBOX_MAX_REJECTIONS`; then the row is `dead`,
  kept, reported, and can be requeued (`python -m app.jobs.relay --requeue-dead`).
- A batch that fails is retried one row per send, so one poison event cannot
  block the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
import time
import uuid
from collections.abc import Awaitable, Callable

import sentry_sdk

from app.core import metrics, tracing
from app.core.config import Settings
from app.core.logging import get_logger
from app.db.base import utcnow
from app.db.models.outbox import OutboxEvent
from app.db.repositories import outbox as outbox_repo
from app.db.session import SessionMaker
from app.jobs.event_sender import EventSender, SendFailedError
from app.jobs.failure_report import report_failure

log = get_logger("app.jobs.relay")


@dataclasses.dataclass
class CycleResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: SessionMaker,
        sender: EventSender,
        settings: Settings,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        quiet: Callable[[float], Awaitable[bool]] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._sender = sender
        self._settings = settings
        self._clock = clock
        self._quiet = quiet
        self.owner = f"relay-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._failed_cycles = 0
        self._gauges_at = -1e18  # monotonic time of the last gauge refresh

    def wake(self) -> None:
        """Ask for a cycle now (called after a commit that dispatched)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run_forever(self) -> None:
        log.info("relay.started", owner=self.owner)
        try:
            while not self._stopping.is_set():
                # A Sentry scope per cycle: its breadcrumbs (SQL, the send)
                # go with its own reports, not into the process's scope, which
                # every request and Inngest call copies as it starts.
                with sentry_sdk.isolation_scope():
                    result = await self._safe_cycle()
                    await self._after_cycle(result)
                if (
                    result.failed == 0
                    and result.claimed == self._settings.OUTBOX_BATCH_SIZE
                ):
                    continue  # a full batch went out: there may be more
                await self._pause(failed=result.failed > 0)
        finally:
            await self._release_leases()

    async def _release_leases(self) -> None:
        """Hand leased rows back at stop; with the database gone, their lease
        runs out instead (`OUTBOX_LEASE_S`), and the stop still completes."""
        try:
            async with self._sessionmaker() as session, session.begin():
                released = await outbox_repo.release(session, self.owner)
        except Exception as exc:  # noqa: BLE001 - stopping must not fail
            log.warning(
                "relay.release_failed",
                owner=self.owner,
                error=type(exc).__name__,
                hint="leased rows are retried when their lease runs out",
            )
            return
        log.info("relay.stopped", owner=self.owner, released=released)

    async def _pause(self, *, failed: bool) -> None:
        self._failed_cycles = self._failed_cycles + 1 if failed else 0
        if self._failed_cycles:
            delay = self._backoff(self._failed_cycles)
            # An outage: do not let every new commit hammer the API.
            await _wait(self._stopping, delay)
            return
        woken = await _wait(self._wake, self._settings.OUTBOX_POLL_INTERVAL_S)
        delay_ms = self._settings.OUTBOX_RELAY_WAKE_DELAY_MS
        if woken and delay_ms:
            # Let close commits gather: one cycle for all of them, run after
            # the responses that woke us have gone out.
            await _wait(self._stopping, delay_ms / 1000)
        self._wake.clear()

    async def _after_cycle(self, result: CycleResult) -> None:
        if result.failed == 0:
            metrics.relay_last_cycle.set_to_current_time()
        refresh_s = self._settings.METRICS_OUTBOX_REFRESH_S
        if time.monotonic() - self._gauges_at >= refresh_s:
            await self.refresh_gauges()

    async def refresh_gauges(self) -> None:
        """Set the outbox gauges from one small query (the relay's cadence,
        never a count per scrape)."""
        self._gauges_at = time.monotonic()
        try:
            async with self._sessionmaker() as session:
                pending, oldest = await outbox_repo.pending_stats(session)
        except Exception as exc:  # noqa: BLE001 - the gauges wait for the next try
            log.warning("relay.gauges_failed", error=type(exc).__name__)
            return
        metrics.outbox_pending.set(pending)
        age = 0.0 if oldest is None else (self._clock() - oldest).total_seconds()
        metrics.outbox_oldest_pending_age.set(max(age, 0.0))

    async def _safe_cycle(self) -> CycleResult:
        try:
            return await self.run_once()
        except Exception as exc:
            log.exception("relay.cycle_failed", error=type(exc).__name__)
            return CycleResult(failed=1)

    async def _yield_to_requests(self) -> None:
        """Write between the process's requests, not during one (waits at
        most `OUTBOX_RELAY_WAKE_DELAY_MS`; see app/core/in_flight.py)."""
        if self._quiet is not None:
            await self._quiet(self._settings.OUTBOX_RELAY_WAKE_DELAY_MS / 1000)

    async def run_once(self) -> CycleResult:
        """One cycle: claim due rows, send them, record the outcome."""
        await self._yield_to_requests()
        async with self._sessionmaker() as session, session.begin():
            rows = await outbox_repo.claim_due(
                session,
                owner=self.owner,
                now=self._clock(),
                limit=self._settings.OUTBOX_BATCH_SIZE,
                lease_s=self._settings.OUTBOX_LEASE_S,
            )
        result = CycleResult(claimed=len(rows))
        fresh = [row for row in rows if row.attempts == 0]
        retried = [row for row in rows if row.attempts > 0]
        groups = ([fresh] if fresh else []) + [[row] for row in retried]
        for index, group in enumerate(groups):
            ok = await self._send_group(group)
            result.sent += len(group) if ok else 0
            result.failed += 0 if ok else len(group)
            if not ok:
                await self._release([r for g in groups[index + 1 :] for r in g])
                break
        return result

    async def _send_group(self, rows: list[OutboxEvent]) -> bool:
        if not tracing.enabled():
            return await self._send_rows(rows)
        links = [link for r in rows if (link := tracing.link_of(r.payload))]
        with tracing.tracer().start_as_current_span(
            "relay.send", links=links, attributes={"event.count": len(rows)}
        ):
            return await self._send_rows(rows)

    async def _send_rows(self, rows: list[OutboxEvent]) -> bool:
        started = time.perf_counter()
        try:
            await self._sender.send(rows)
        except SendFailedError as failure:
            metrics.outbox_send_duration.labels("error").observe(
                time.perf_counter() - started
            )
            # A rejected batch says nothing about which row is bad: isolate.
            counts = failure.rejected and len(rows) == 1
            await self._record_failure(rows, failure, counts_as_rejection=counts)
            return False
        metrics.outbox_send_duration.labels("ok").observe(time.perf_counter() - started)
        metrics.outbox_events.labels("sent").inc(len(rows))
        metrics.relay_last_sent.set_to_current_time()
        await self._yield_to_requests()
        async with self._sessionmaker() as session, session.begin():
            await outbox_repo.mark_sent(session, [r.id for r in rows], self._clock())
        log.info("relay.sent", count=len(rows))
        return True

    async def _record_failure(
        self,
        rows: list[OutboxEvent],
        failure: SendFailedError,
        *,
        counts_as_rejection: bool,
    ) -> None:
        now = self._clock()
        cap = self._settings.OUTBOX_MAX_REJECTIONS
        async with self._sessionmaker() as session, session.begin():
            for row in rows:
                rejections = row.rejections + (1 if counts_as_rejection else 0)
                dead = rejections >= cap
                metrics.outbox_events.labels("dead" if dead else "failed").inc()
                await outbox_repo.save_failure(
                    session,
                    row.id,
                    error_code=failure.code,
                    rejected=counts_as_rejection,
                    next_attempt_at=now
                    + dt.timedelta(seconds=self._backoff(row.attempts + 1)),
                    dead=dead,
                )
                self._report(row, failure, first=row.attempts == 0, dead=dead)

    def _report(
        self, row: OutboxEvent, failure: SendFailedError, *, first: bool, dead: bool
    ) -> None:
        fields = {
            "event_name": row.name,
            "event_id": row.id,
            "category": row.category,
            "resource_id": row.resource_id,
            "error": failure.code,
            "attempt": row.attempts + 1,
        }
        if dead:
            log.error("dispatch.event_dead", **fields)
        else:
            log.warning("dispatch.send_failed", **fields)
        if first or dead:
            kind = "dispatch-dead" if dead else "dispatch"
            report_failure(
                failure,
                fingerprint=["inngest", kind, row.name],
                tags={
                    "event_name": row.name,
                    "category": row.category,
                    "resource_id": row.resource_id,
                },
                context_name="inngest",
                context=fields,
            )

    async def _release(self, rows: list[OutboxEvent]) -> None:
        if rows:
            async with self._sessionmaker() as session, session.begin():
                await outbox_repo.release(session, self.owner, [r.id for r in rows])

    def _backoff(self, attempt: int) -> float:
        exponent = min(max(attempt - 1, 0), 30)
        base = self._settings.OUTBOX_BACKOFF_BASE_S * float(2**exponent)
        capped = min(base, self._settings.OUTBOX_BACKOFF_MAX_S)
        return capped * random.uniform(0.8, 1.0)  # noqa: S311 - jitter only


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """Wait for `event` at most `seconds`; True if it was set."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
