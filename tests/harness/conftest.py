"""Fixtures for the stand-in's own tests: a client and a tiny FastAPI app."""

from __future__ import annotations

import contextlib
import logging
import typing

import fastapi
import inngest
import inngest.fast_api
import pytest

from tests.inngest_server import InngestServer

APP_ID = "harness-test"
Functions = list[inngest.Function[typing.Any]]
Serve = typing.Callable[[Functions], contextlib.AbstractAsyncContextManager[str]]


def build_app(client: inngest.Inngest, functions: Functions) -> fastapi.FastAPI:
    app = fastapi.FastAPI()
    inngest.fast_api.serve(app, client, functions, serve_path="/api/inngest")
    return app


def make_client(server: InngestServer, **overrides: typing.Any) -> inngest.Inngest:
    options = {**server.client_options(), **overrides}
    return inngest.Inngest(
        app_id=APP_ID, logger=logging.getLogger("harness.sdk"), **options
    )


@pytest.fixture
def client(inngest_server: InngestServer) -> inngest.Inngest:
    return make_client(inngest_server)


@pytest.fixture
def serve(inngest_server: InngestServer, client: inngest.Inngest) -> Serve:
    """``async with serve([fn, ...]) as url:`` serves and syncs the functions."""

    def _serve(functions: Functions) -> contextlib.AbstractAsyncContextManager[str]:
        return inngest_server.attach(build_app(client, functions))

    return _serve
