"""pytest fixtures for the Inngest stand-in.

Enable with ``pytest_plugins = ["tests.inngest_server.plugin"]`` in the root
``tests/conftest.py`` (or import the fixtures into a conftest).
"""

from __future__ import annotations

import os
import typing

import pytest

from .remote import RemoteDevServer
from .server import InngestServer

DEV_SERVER_ENV = "INNGEST_DEV_SERVER_URL"


@pytest.fixture
async def inngest_server() -> typing.AsyncIterator[InngestServer]:
    """A started stand-in in cloud mode (signs requests, checks keys)."""
    async with InngestServer(mode="cloud") as server:
        yield server


@pytest.fixture
async def inngest_dev_server() -> typing.AsyncIterator[InngestServer]:
    """A started stand-in in dev mode (unsigned, any event key)."""
    async with InngestServer(mode="dev") as server:
        yield server


@pytest.fixture
def real_dev_server_url() -> str:
    """URL of a real Inngest Dev Server, or skip when none is configured."""
    url = os.environ.get(DEV_SERVER_ENV, "").strip()
    if not url:
        pytest.skip(
            f"{DEV_SERVER_ENV} is not set; no real Inngest Dev Server to test against"
        )
    return url.rstrip("/")


@pytest.fixture
def real_dev_server(real_dev_server_url: str) -> RemoteDevServer:
    """A real Dev Server (skips without ``INNGEST_DEV_SERVER_URL``)."""
    return RemoteDevServer(real_dev_server_url)
