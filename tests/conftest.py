"""Shared fixtures: databases on SQLite and PostgreSQL, settings, Sentry capture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.sentry import configure_sentry
from app.db.session import create_engine
from tests.fakes.event_api import TEST_EVENT_KEY, FakeEventApi
from tests.support import databases
from tests.support.sentry_capture import TEST_DSN, CapturingTransport, reset_sentry
from tests.support.serving import LoopbackServer
from tests.support.settings import make_settings

pytest_plugins = ["tests.inngest_server.plugin"]

BACKENDS = ["sqlite", "postgresql"]

# Hypothesis: no per-example deadline (no wall-clock bounds in tests; a busy CI
# machine must not fail a property). Failing examples are kept in .hypothesis/
# (git-ignored) and replayed first on the next run.
settings.register_profile("gym-jobs", deadline=None, print_blob=True)
settings.load_profile("gym-jobs")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", help="also run the long fault variants"
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database; every test using it runs once per backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        databases.migrate(url)
        yield url
        return
    try:
        url = databases.create_postgres_database()
    except databases.PostgresUnavailableError as exc:
        if databases.postgres_required():
            pytest.fail(f"TEST_REQUIRE_POSTGRES is set but {exc}")
        pytest.skip(str(exc))
    try:
        databases.migrate(url)
        yield url
    finally:
        databases.drop_postgres_database(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(make_settings(database_url))
    try:
        yield engine
    finally:
        await databases.truncate_all(engine)
        await engine.dispose()


@pytest.fixture
def settings_factory(database_url: str) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        return make_settings(database_url, **overrides)

    return build


@pytest.fixture
def sentry_capture() -> Iterator[CapturingTransport]:
    """Initialise the real Sentry SDK (as the app does) with an in-memory transport."""
    transport = CapturingTransport()
    configure_sentry(
        make_settings("sqlite+aiosqlite://", SENTRY_DSN=TEST_DSN), transport=transport
    )
    try:
        yield transport
    finally:
        reset_sentry()


@pytest.fixture
async def event_api() -> AsyncIterator[tuple[FakeEventApi, LoopbackServer]]:
    """A loopback Inngest event API accepting `TEST_EVENT_KEY`."""
    fake = FakeEventApi(TEST_EVENT_KEY)
    server = LoopbackServer(fake.app, lifespan="off")
    await server.start()
    try:
        yield fake, server
    finally:
        await server.stop()
