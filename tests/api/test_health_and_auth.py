"""Probes, docs, introspection of /api/inngest, bearer auth and request ids."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import jwt
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.security import Principal, Role, issue_token
from app.main import create_app
from tests.support.serving import serve

pytestmark = pytest.mark.db


@pytest.fixture
def app(settings_factory: Callable[..., Settings]) -> FastAPI:
    return create_app(settings_factory())


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(app) as server, httpx.AsyncClient(base_url=server.url) as c:
        yield c


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": True}


async def test_readyz_is_503_while_shutting_down(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    app.state.shutting_down = True
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "shutting_down"


async def test_readyz_is_503_when_the_database_is_unreachable(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(
        DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        DATABASE_PING_TIMEOUT_S=1.0,
    )
    async with serve(create_app(settings)) as server, httpx.AsyncClient() as c:
        response = await c.get(f"{server.url}/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}


async def test_docs_and_inngest_introspection(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    inspection = await client.get("/api/inngest")
    assert inspection.status_code == 200
    body = inspection.json()
    assert body["mode"] == "dev"  # no signing key outside production
    assert body["function_count"] >= 0


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz", headers={"x-request-id": "bad id!"})
    assert generated.headers["x-request-id"] != "bad id!"
    assert len(generated.headers["x-request-id"]) == 32


async def test_me_returns_the_principal_of_a_valid_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    settings: Settings = app.state.runtime.settings
    principal = Principal(uuid.uuid4(), uuid.uuid4(), Role.OWNER)
    token = issue_token(settings, principal)
    response = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "user_id": str(principal.user_id),
        "gym_id": str(principal.gym_id),
        "role": "owner",
    }


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("missing", "missing bearer token"),
        ("expired", "token expired"),
        ("wrong_secret", "invalid token"),
        ("bad_role", "invalid token claims"),
        ("garbage", "invalid token"),
    ],
)
async def test_bad_tokens_get_401(
    app: FastAPI, client: httpx.AsyncClient, case: str, detail: str
) -> None:
    settings: Settings = app.state.runtime.settings
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(uuid.uuid4()),
        "gym_id": str(uuid.uuid4()),
        "role": "member",
        "iss": settings.AUTH_ISSUER,
        "aud": settings.AUTH_AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(hours=1)).timestamp()),
    }
    secret = settings.AUTH_SECRET.get_secret_value()
    headers = {}
    if case == "expired":
        claims["exp"] = int((now - dt.timedelta(minutes=1)).timestamp())
    if case == "wrong_secret":
        secret = "another-secret-that-is-long-enough-0123456789"
    if case == "bad_role":
        claims["role"] = "admin"
    if case != "missing":
        token = jwt.encode(claims, secret, "HS256")
        headers["Authorization"] = f"Bearer {'x.y.z' if case == 'garbage' else token}"
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "detail": detail}
    assert response.headers["www-authenticate"] == "Bearer"
