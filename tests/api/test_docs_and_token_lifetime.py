"""Issue 16 #7 and #8: API docs are off by default in production (a setting
turns them on); a bearer token must carry `exp` and live no longer than the
configured cap."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import httpx
import jwt
import pytest

from app.core.config import Settings
from app.core.security import ALGORITHM
from app.main import create_app
from tests.support.serving import serve

pytestmark = pytest.mark.db
PRODUCTION = {
    "APP_ENV": "production",
    "INNGEST_SIGNING_KEY": "signkey-prod-" + "ab" * 32,
    "ALLOWED_HOSTS": "127.0.0.1",
}
DOC_PATHS = ("/docs", "/redoc", "/openapi.json")


async def doc_statuses(settings: Settings) -> list[int]:
    async with (
        serve(create_app(settings)) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        return [(await client.get(path)).status_code for path in DOC_PATHS]


async def test_docs_are_off_in_production_unless_turned_on(
    settings_factory: Callable[..., Settings],
) -> None:
    assert await doc_statuses(settings_factory(**PRODUCTION)) == [404, 404, 404]
    on = settings_factory(**PRODUCTION, API_DOCS=True)
    assert await doc_statuses(on) == [200, 200, 200]
    assert await doc_statuses(settings_factory()) == [200, 200, 200]  # development


def token(settings: Settings, **claims: object) -> dict[str, str]:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    body: dict[str, object] = {
        "sub": str(uuid.uuid4()),
        "gym_id": str(uuid.uuid4()),
        "role": "member",
        "iss": settings.AUTH_ISSUER,
        "aud": settings.AUTH_AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    secret = settings.AUTH_SECRET.get_secret_value()
    return {"Authorization": f"Bearer {jwt.encode(body, secret, ALGORITHM)}"}


async def test_long_lived_tokens_are_refused(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(AUTH_MAX_TOKEN_LIFETIME_S=3600)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    century = now + 100 * 365 * 86400
    cases = {
        "fine": token(settings),
        "100 years": token(settings, exp=century),
        "no exp": token(settings, exp=None),
        "iat in the past, long": token(settings, iat=now - 7200, exp=now + 600 * 10),
        "iat in the future": token(settings, iat=century - 60, exp=century),
    }
    async with (
        serve(create_app(settings)) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        statuses = {
            name: (await client.get("/api/v1/me", headers=headers)).status_code
            for name, headers in cases.items()
        }
    assert statuses == {
        "fine": 200,
        "100 years": 401,
        "no exp": 401,
        "iat in the past, long": 401,
        "iat in the future": 401,
    }


async def test_long_lived_admin_tokens_are_refused_too(
    settings_factory: Callable[..., Settings],
) -> None:
    """Platform-admin tokens (their own audience) get the same lifetime cap."""
    settings = settings_factory(AUTH_MAX_TOKEN_LIFETIME_S=3600)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    secret = settings.AUTH_SECRET.get_secret_value()

    def admin(exp: int | None) -> dict[str, str]:
        claims: dict[str, object] = {
            "sub": "ops",
            "role": "platform_admin",
            "iss": settings.AUTH_ISSUER,
            "aud": settings.AUTH_ADMIN_AUDIENCE,
            "iat": now,
        }
        if exp is not None:
            claims["exp"] = exp
        return {"Authorization": f"Bearer {jwt.encode(claims, secret, ALGORITHM)}"}

    async with (
        serve(create_app(settings)) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        statuses = {
            name: (
                await client.post("/api/v1/gyms", json={"name": "G"}, headers=headers)
            ).status_code
            for name, headers in {
                "fine": admin(now + 600),
                "100 years": admin(now + 100 * 365 * 86400),
                "no exp": admin(None),
            }.items()
        }
    assert statuses == {"fine": 201, "100 years": 401, "no exp": 401}
