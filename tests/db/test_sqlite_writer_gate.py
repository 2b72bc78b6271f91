"""The SQLite writer gate (app/db/sqlite_writer_gate.py).

Engines here run with `PRAGMA busy_timeout=0` on SQLite: a writer that ever
meets SQLite's own lock fails at once with "database is locked". So a test in
which two writers overlap and both succeed proves that the second one waited
on the gate (woken when the first one's transaction ended), never in SQLite's
busy handler. On PostgreSQL (no gate: row locks only) the same scenarios must
simply work.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.db import sqlite_writer_gate
from app.db.models import OutboxEvent, OutboxStatus
from app.db.repositories import outbox as outbox_repo
from app.db.session import SessionMaker, create_engine, create_sessionmaker
from app.jobs.event_sender import EventSender
from app.jobs.outbox_relay import OutboxRelay
from app.runtime import build_runtime
from tests.fakes.event_api import FakeEventApi
from tests.support.serving import LoopbackServer
from tests.support.settings import relay_settings

pytestmark = pytest.mark.db
WAIT_S = 10.0  # well above the gate's 5 s timeout: a stuck writer fails first


def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


@pytest.fixture
async def strict(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[AsyncEngine]:
    """An engine of the app's kind whose SQLite connections never busy-wait."""
    strict_engine = create_engine(settings_factory())
    if strict_engine.dialect.name == "sqlite":
        event.listen(strict_engine.sync_engine, "connect", _no_busy_wait)
    try:
        yield strict_engine
    finally:
        await strict_engine.dispose()


def _row(event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "name": "platform/test.gate",
        "category": "scoring",
        "resource_id": "r1",
        "payload": {"n": 1},
    }


async def _write(sessionmaker: SessionMaker, event_id: str) -> None:
    async with sessionmaker() as session, session.begin():
        await outbox_repo.add_events(session, [_row(event_id)])


async def _ids(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.scalars(select(OutboxEvent.id))).all())


def _gate(engine: AsyncEngine) -> sqlite_writer_gate.WriterGate:
    return sqlite_writer_gate.gate_for(engine.url.database or "", 5.0)


async def test_second_writer_goes_when_the_first_commits(strict: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(strict)
    async with sessionmaker() as first:
        await first.begin()
        await outbox_repo.add_events(first, [_row("first")])
        second = asyncio.create_task(_write(sessionmaker, "second"))
        await asyncio.sleep(0.1)  # give the second writer every chance to run
        if strict.dialect.name == "sqlite":
            assert not second.done()  # waiting for its turn, not failed
        await first.commit()
    await asyncio.wait_for(second, WAIT_S)  # no "database is locked"
    assert await _ids(strict) == {"first", "second"}


async def test_without_the_gate_sqlite_itself_refuses_the_second_writer(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    """The control for the test above: the gate is what made it pass."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: the gate is not used on PostgreSQL")
    ungated = create_engine(settings_factory(SQLITE_WRITER_GATE=False))
    event.listen(ungated.sync_engine, "connect", _no_busy_wait)
    try:
        sessionmaker = create_sessionmaker(ungated)
        async with sessionmaker() as first:
            await first.begin()
            await outbox_repo.add_events(first, [_row("first")])
            with pytest.raises(OperationalError, match="database is locked"):
                await _write(sessionmaker, "second")
            await first.commit()
    finally:
        await ungated.dispose()


async def _fail_mid_write(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session, session.begin():
        await outbox_repo.add_events(session, [_row("lost")])
        raise RuntimeError("the request failed")


async def _hold_then(strict: AsyncEngine, end: str) -> None:
    """Start a write transaction and end it without a commit, `end`-wise."""
    sessionmaker = create_sessionmaker(strict)
    if end == "exception":
        with pytest.raises(RuntimeError):
            await _fail_mid_write(sessionmaker)
        return
    if end in {"invalidate", "close"}:
        conn = await strict.connect()
        await conn.execute(
            OutboxEvent.__table__.insert().values(**_row("lost"))  # type: ignore[attr-defined]
        )
        if end == "invalidate":
            await conn.invalidate()
        await conn.close()
        return
    session: AsyncSession = sessionmaker()
    await session.begin()
    await outbox_repo.add_events(session, [_row("lost")])
    await session.rollback()
    await session.close()


@pytest.mark.parametrize("end", ["rollback", "exception", "invalidate", "close"])
async def test_a_write_that_ends_without_commit_gives_the_turn_back(
    strict: AsyncEngine, end: str
) -> None:
    await _hold_then(strict, end)
    if strict.dialect.name == "sqlite":
        assert not _gate(strict).locked()
    await asyncio.wait_for(_write(create_sessionmaker(strict), "next"), WAIT_S)
    assert await _ids(strict) == {"next"}


async def test_no_turn_within_the_timeout_is_database_is_locked(
    strict: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if strict.dialect.name != "sqlite":
        pytest.skip("SQLite only: the gate is not used on PostgreSQL")
    monkeypatch.setattr(_gate(strict), "timeout_s", 0.2)
    sessionmaker = create_sessionmaker(strict)
    async with sessionmaker() as first:
        await first.begin()
        await outbox_repo.add_events(first, [_row("first")])
        with pytest.raises(OperationalError, match=r"database is locked \(writer gate"):
            await _write(sessionmaker, "second")
        await first.commit()
    await _write(sessionmaker, "second")  # the failed writer held nothing
    assert await _ids(strict) == {"first", "second"}


async def test_reads_do_not_wait_for_a_writer(strict: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(strict)
    async with sessionmaker() as first:
        await first.begin()
        await outbox_repo.add_events(first, [_row("first")])
        async with strict.connect() as reader:
            count = await reader.scalar(select(func.count(OutboxEvent.id)))
        assert count == 0  # read at once, before the commit
        await first.commit()


class _Driver:
    """Stands in for an aiosqlite connection: runs calls inline."""

    def __init__(self) -> None:
        self._connection: Any = None

    async def _execute(self, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    def execute(self, sql: str) -> None:  # opens a write transaction, never ends it
        self._connection = SimpleNamespace(in_transaction=True)


async def test_a_connection_dropped_mid_write_gives_the_turn_back() -> None:
    gate = sqlite_writer_gate.WriterGate(timeout_s=0.2)
    driver = _Driver()
    sqlite_writer_gate.gate_connection(driver, gate)
    await driver._execute(driver.execute, "INSERT INTO t VALUES (1)")
    assert gate.locked()
    del driver
    gc.collect()
    assert not gate.locked()


async def test_relay_and_writers_interleave_and_every_row_is_sent_once(
    settings_factory: Callable[..., Settings],
    strict: AsyncEngine,
    event_api: tuple[FakeEventApi, LoopbackServer],
) -> None:
    fake, server = event_api
    settings = relay_settings(settings_factory, server.url, OUTBOX_BATCH_SIZE=3)
    runtime = build_runtime(settings)
    try:
        sessionmaker = create_sessionmaker(strict)
        relay = OutboxRelay(
            sessionmaker,
            EventSender(runtime.inngest_client, settings.INNGEST_SEND_DEADLINE_S),
            settings,
        )
        ids = [f"evt-{n}" for n in range(30)]

        async def relay_cycles() -> None:
            for _ in range(20):
                await relay.run_once()
                await asyncio.sleep(0)

        writers = [_write(sessionmaker, event_id) for event_id in ids]
        await asyncio.wait_for(asyncio.gather(relay_cycles(), *writers), WAIT_S)
        while (await relay.run_once()).claimed:
            pass
    finally:
        await runtime.dispose()
    assert sorted(fake.event_ids) == sorted(ids)  # each exactly once
    async with strict.connect() as conn:
        statuses = (await conn.scalars(select(OutboxEvent.status))).all()
    assert set(statuses) == {OutboxStatus.SENT.value}
