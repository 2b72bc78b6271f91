"""The composition root: everything the app and its workers share at run time.

Built once per process from `Settings` (by `create_app` or the relay's own
entry point), never at import time, so tests build their own.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import inngest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.in_flight import InFlight
from app.core.logging import get_logger
from app.db.pool_metrics import track_pool
from app.db.session import SessionMaker, create_engine, create_sessionmaker
from app.jobs.client import build_inngest_client
from app.jobs.cron_metrics import export_schedules
from app.jobs.dead_letters import DeadLetters
from app.jobs.dispatch import Dispatcher
from app.jobs.event_sender import EventSender
from app.jobs.inline_runner import InlineRunner
from app.jobs.middleware import make_middleware
from app.jobs.outbox_relay import OutboxRelay
from app.jobs.registry import WorkerRegistry, load_workers

log = get_logger("app.runtime")


@dataclasses.dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: SessionMaker
    registry: WorkerRegistry
    inngest_client: inngest.Inngest
    relay: OutboxRelay
    dead_letters: DeadLetters
    # The relay's own engine on SQLite (commits not fsynced), else `engine`.
    relay_engine: AsyncEngine | None = None
    # Engines built later for one purpose (the shared replay store's).
    extra_engines: list[AsyncEngine] = dataclasses.field(default_factory=list)
    # HTTP requests in flight (counted by the app; the relay yields to them).
    in_flight: InFlight = dataclasses.field(default_factory=InFlight)
    dispatcher: Dispatcher = dataclasses.field(init=False)
    # Inline mode only (INNGEST_ENABLED false): runs events and cron ticks.
    inline_runner: InlineRunner | None = dataclasses.field(init=False)
    functions: list[inngest.Function[Any]] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.inline_runner = (
            None if self.settings.INNGEST_ENABLED else InlineRunner(self.registry, self)
        )
        self.dispatcher = Dispatcher(
            enabled=self.settings.INNGEST_ENABLED,
            relay=self.relay,
            inline=self.inline_runner,
        )
        self.functions = self.registry.build_functions(self)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commit on success, then hand off dispatched events."""
        async with self.sessionmaker() as session:
            async with session.begin():
                yield session
            await self.dispatcher.after_commit(session)

    async def dispose(self) -> None:
        """Every engine, each even if another fails (the database may be gone)."""
        engines = [self.engine, *self.extra_engines]
        if self.relay_engine is not None and self.relay_engine is not self.engine:
            engines.append(self.relay_engine)
        for engine in engines:
            try:
                await engine.dispose()
            except Exception as exc:  # noqa: BLE001 - dispose the others
                log.warning("engine.dispose_failed", error=type(exc).__name__)


def build_runtime(
    settings: Settings, registry: WorkerRegistry | None = None
) -> Runtime:
    registry = registry if registry is not None else load_workers()
    export_schedules(registry)
    retries = {
        w.fn_id: w.retries_or(settings.INNGEST_RETRIES) for w in registry.workers
    }
    id_fields = {w.fn_id: w.id_fields for w in registry.workers}
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    dead_letters = DeadLetters(sessionmaker)
    client = build_inngest_client(
        settings,
        [
            make_middleware(
                retries,
                id_fields,
                dead_letters,
                frozenset(w.fn_id for w in registry.workers if w.cron),
            )
        ],
    )
    relay_engine = engine
    if engine.dialect.name == "sqlite":
        relay_engine = create_engine(settings, durable_commits=False)
    if settings.METRICS_ENABLED:
        track_pool(engine, "app")
        if relay_engine is not engine:
            track_pool(relay_engine, "relay")
    in_flight = InFlight()
    relay = OutboxRelay(
        create_sessionmaker(relay_engine),
        EventSender(client, settings.INNGEST_SEND_DEADLINE_S),
        settings,
        quiet=in_flight.wait_idle,
    )
    return Runtime(
        settings,
        engine,
        sessionmaker,
        registry,
        client,
        relay,
        dead_letters,
        relay_engine,
        in_flight=in_flight,
    )
