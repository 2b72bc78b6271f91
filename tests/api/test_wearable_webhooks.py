"""Provider webhooks over HTTP: signatures on exact bytes, handshakes,
de-duplication and IDs-only dispatch (the outbox rows are the dispatch)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.db.models import OutboxEvent, WearableConnection, WebhookDelivery
from app.db.session import create_sessionmaker
from app.main import create_app
from tests.fakes import webhook_signing as ws
from tests.support.api_world import World, build_world

pytestmark = pytest.mark.db

OURA_BODY = (
    b'{"event_type":"create","data_type":"sleep","object_id":"oura-sleep-2026-07-04",'
    b'"event_time":"2026-07-04T07:20:00+00:00","user_id":"oura-ann"}'
)
WHOOP_BODY = (
    b'{"user_id":10129,"id":"ecfc6a15-4661-442f-a9a4-f160dd7afae8",'
    b'"type":"recovery.updated","trace_id":"e369c784-5100-49e8-8098-75d35c47b31b"}'
)
STRAVA_BODY = (
    b'{"aspect_type":"create","event_time":1549560669,"object_id":1360128428,'
    b'"object_type":"activity","owner_id":134815,"subscription_id":120475,"updates":{}}'
)
STRAVA_URL = f"/api/v1/webhooks/strava?key={ws.STRAVA_CALLBACK_KEY}"
GOOGLE_BODY = b'{"userId":"g-ann","dataType":"sleep","date":"2026-07-04"}'
GARMIN_CALLBACK = (
    "https://apis.garmin.com/wellness-api/rest/sleeps"
    "?uploadStartTimeInSeconds=1783123200&uploadEndTimeInSeconds=1783209600"
)
CONNECTIONS = {
    "oura": "oura-ann",
    "whoop": "10129",
    "google_health": "g-ann",
    "strava": "134815",
    "garmin": "garmin-ann",
}


@dataclasses.dataclass
class Hooks:
    client: httpx.AsyncClient
    world: World
    engine: AsyncEngine

    async def dispatched(self) -> list[dict[str, Any]]:
        async with create_sessionmaker(self.engine)() as session:
            rows = await session.scalars(
                select(OutboxEvent).where(
                    OutboxEvent.name == "platform/sync.wearable-data-received"
                )
            )
            return [row.payload for row in rows.all()]

    async def deliveries(self) -> list[WebhookDelivery]:
        async with create_sessionmaker(self.engine)() as session:
            return list((await session.scalars(select(WebhookDelivery))).all())


@pytest.fixture
async def hooks(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[Hooks]:
    settings = settings_factory(
        INNGEST_ENABLED=True, OUTBOX_RELAY_IN_PROCESS=False, **ws.WEBHOOK_SETTINGS
    )
    world = await build_world(engine, settings)
    async with create_sessionmaker(engine)() as session, session.begin():
        for provider, external_id in CONNECTIONS.items():
            session.add(
                WearableConnection(
                    member_id=world.id("ann"),
                    provider=provider,
                    external_user_id=external_id,
                    device_kind="ring",
                    access_token=f"token-{provider}",
                )
            )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Hooks(client, world, engine)
    await app.state.runtime.dispose()


def tampered(body: bytes) -> bytes:
    return body.replace(b"create", b"delete").replace(b"recovery", b"sleep")


async def test_oura_valid_delivery_dispatches_ids_only(hooks: Hooks) -> None:
    response = await hooks.client.post(
        "/api/v1/webhooks/oura", content=OURA_BODY, headers=ws.oura_headers(OURA_BODY)
    )
    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "duplicates": 0, "ignored": 0}
    [payload] = await hooks.dispatched()
    assert set(payload) == {
        "member_id",
        "connection_id",
        "provider",
        "reason",
        "delivery_id",
        "requested_on",
    }
    assert (payload["member_id"], payload["provider"], payload["reason"]) == (
        str(hooks.world.id("ann")),
        "oura",
        "webhook",
    )
    assert "oura-sleep" not in json.dumps(payload)  # provider ids stay in our DB
    [delivery] = await hooks.deliveries()
    assert str(delivery.id) == payload["delivery_id"]
    assert (delivery.data_type, delivery.object_id) == (
        "sleep",
        "oura-sleep-2026-07-04",
    )


async def test_oura_redelivery_is_acknowledged_once(hooks: Hooks) -> None:
    bodies = []
    for _ in range(2):
        headers = ws.oura_headers(OURA_BODY)  # a retry is re-signed, same body
        response = await hooks.client.post(
            "/api/v1/webhooks/oura", content=OURA_BODY, headers=headers
        )
        bodies.append(response.json())
    assert bodies == [
        {"accepted": 1, "duplicates": 0, "ignored": 0},
        {"accepted": 0, "duplicates": 1, "ignored": 0},
    ]
    assert len(await hooks.dispatched()) == 1
    assert len(await hooks.deliveries()) == 1


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("tampered", lambda b: (tampered(b), ws.oura_headers(b))),
        ("stale", lambda b: (b, ws.oura_headers(b, ts=int(time.time()) - 301))),
        ("future", lambda b: (b, ws.oura_headers(b, ts=int(time.time()) + 310))),
        ("wrong_secret", lambda b: (b, ws.oura_headers(b, secret="not-the-secret"))),
        ("missing", lambda b: (b, {"content-type": "application/json"})),
    ],
)
async def test_oura_bad_signatures_are_refused(
    hooks: Hooks,
    case: str,
    make: Callable[[bytes], tuple[bytes, dict[str, str]]],
) -> None:
    body, headers = make(OURA_BODY)
    response = await hooks.client.post(
        "/api/v1/webhooks/oura", content=body, headers=headers
    )
    assert response.status_code == 401, case
    assert response.json()["code"] == "invalid_signature"
    assert await hooks.dispatched() == []
    assert await hooks.deliveries() == []


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("valid", lambda b: (b, ws.whoop_headers(b))),
        ("tampered", lambda b: (tampered(b), ws.whoop_headers(b))),
        (
            "stale",
            lambda b: (b, ws.whoop_headers(b, ts_ms=int(time.time() * 1000) - 301_000)),
        ),
        ("wrong_secret", lambda b: (b, ws.whoop_headers(b, secret="not-the-secret"))),
    ],
)
async def test_whoop_signatures(
    hooks: Hooks,
    case: str,
    make: Callable[[bytes], tuple[bytes, dict[str, str]]],
) -> None:
    body, headers = make(WHOOP_BODY)
    response = await hooks.client.post(
        "/api/v1/webhooks/whoop", content=body, headers=headers
    )
    if case == "valid":
        assert response.status_code == 200
        assert response.json()["accepted"] == 1
        [payload] = await hooks.dispatched()
        assert payload["provider"] == "whoop"
    else:
        assert response.status_code == 401, case
        assert await hooks.dispatched() == []


async def test_oura_verification_handshake(hooks: Hooks) -> None:
    ok = await hooks.client.get(
        "/api/v1/webhooks/oura",
        params={"verification_token": ws.OURA_VERIFICATION_TOKEN, "challenge": "c-42"},
    )
    assert (ok.status_code, ok.content) == (200, b'{"challenge":"c-42"}')
    bad = await hooks.client.get(
        "/api/v1/webhooks/oura", params={"verification_token": "x", "challenge": "c"}
    )
    assert bad.status_code == 401


async def test_strava_handshake_and_subscription_check(hooks: Hooks) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3",
        "hub.verify_token": ws.STRAVA_VERIFY_TOKEN,
    }
    ok = await hooks.client.get("/api/v1/webhooks/strava", params=params)
    assert ok.content == b'{"hub.challenge":"15f7d1a91c1f40f8a748fd134752feb3"}'
    wrong = await hooks.client.get(
        "/api/v1/webhooks/strava", params={**params, "hub.verify_token": "nope"}
    )
    assert wrong.status_code == 403
    event = await hooks.client.post(STRAVA_URL, content=STRAVA_BODY)
    other = STRAVA_BODY.replace(b"120475", b"999999")
    foreign = await hooks.client.post(STRAVA_URL, content=other)
    # Issue 16 #3: a wrong subscription id gets the very answer a right one gets.
    assert (foreign.status_code, foreign.content) == (event.status_code, event.content)
    assert event.status_code == 200
    assert len(await hooks.dispatched()) == 1  # only the right one's


@pytest.mark.parametrize("key", [None, "wrong-key"])
async def test_strava_callback_needs_its_key(hooks: Hooks, key: str | None) -> None:
    """Issue 16 #3: the callback URL carries a secret, as Garmin's does."""
    url = "/api/v1/webhooks/strava" + (f"?key={key}" if key else "")
    response = await hooks.client.post(url, content=STRAVA_BODY)
    assert response.status_code == 401
    assert await hooks.dispatched() == []


async def test_strava_deauthorization_is_confirmed_with_the_provider(
    hooks: Hooks,
) -> None:
    """Issue 16 #3: Strava signs nothing, so an `authorized: false` event only
    asks for a sync with the athlete's token; the provider's 401 then marks
    the connection broken (a forged event changes nothing)."""
    body = (
        b'{"aspect_type":"update","event_time":1516126040,"object_id":134815,'
        b'"object_type":"athlete","owner_id":134815,"subscription_id":120475,'
        b'"updates":{"authorized":"false"}}'
    )
    response = await hooks.client.post(STRAVA_URL, content=body)
    assert response.status_code == 200
    async with create_sessionmaker(hooks.engine)() as session:
        connection = await session.scalar(
            select(WearableConnection).where(WearableConnection.provider == "strava")
        )
    assert connection is not None
    assert (connection.status, connection.broken_reason) == ("active", None)
    [payload] = await hooks.dispatched()
    assert (payload["provider"], payload["reason"]) == ("strava", "backfill")


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(ws.GOOGLE_AUTHORIZATION, 201), (None, 401), ("Bearer wrong", 403)],
)
async def test_google_health_verification_probe(
    hooks: Hooks, authorization: str | None, status: int
) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = await hooks.client.post(
        "/api/v1/webhooks/google-health",
        content=b'{"type":"verification"}',
        headers=headers,
    )
    assert response.status_code == status


async def test_google_health_notifications_need_the_authorization(hooks: Hooks) -> None:
    path = "/api/v1/webhooks/google-health"
    wrong = await hooks.client.post(
        path, content=GOOGLE_BODY, headers={"authorization": "Bearer wrong"}
    )
    assert wrong.status_code == 401
    ok = await hooks.client.post(
        path, content=GOOGLE_BODY, headers={"authorization": ws.GOOGLE_AUTHORIZATION}
    )
    assert ok.json() == {"accepted": 1, "duplicates": 0, "ignored": 0}
    [delivery] = await hooks.deliveries()
    assert (delivery.data_type, str(delivery.day)) == ("sleep", "2026-07-04")


def garmin_ping(url: str) -> bytes:
    item = {
        "userId": "garmin-ann",
        "userAccessToken": "garmin-user-token-SECRET",
        "uploadStartTimeInSeconds": 1783123200,
        "uploadEndTimeInSeconds": 1783209600,
        "callbackURL": url,
    }
    return json.dumps({"sleeps": [item]}).encode()


@pytest.mark.parametrize(
    ("key", "url", "status", "accepted"),
    [
        (ws.GARMIN_KEY, GARMIN_CALLBACK, 200, 1),
        (
            ws.GARMIN_KEY,
            GARMIN_CALLBACK.replace("apis.garmin.com", "evil.example"),
            200,
            0,
        ),
        (ws.GARMIN_KEY, GARMIN_CALLBACK.replace("https://", "http://"), 200, 0),
        (ws.GARMIN_KEY, "https://169.254.169.254/latest/meta-data", 200, 0),
        ("wrong-key", GARMIN_CALLBACK, 401, 0),
        (None, GARMIN_CALLBACK, 401, 0),
    ],
)
async def test_garmin_pings(
    hooks: Hooks, key: str | None, url: str, status: int, accepted: int
) -> None:
    params = {"key": key} if key else {}
    response = await hooks.client.post(
        "/api/v1/webhooks/garmin", params=params, content=garmin_ping(url)
    )
    assert response.status_code == status
    assert len(await hooks.dispatched()) == accepted
    deliveries = await hooks.deliveries()
    assert [d.fetch_url for d in deliveries] == [url] * accepted
    if status == 200:
        assert response.json()["ignored"] == 1 - accepted
    stored = json.dumps([vars(d) for d in deliveries], default=str)
    assert "garmin-user-token-SECRET" not in stored


async def test_unknown_member_and_unsynced_types_are_ignored(hooks: Hooks) -> None:
    for body in (
        OURA_BODY.replace(b"oura-ann", b"oura-nobody"),
        OURA_BODY.replace(b'"sleep"', b'"daily_activity"'),
    ):
        response = await hooks.client.post(
            "/api/v1/webhooks/oura", content=body, headers=ws.oura_headers(body)
        )
        assert response.json() == {"accepted": 0, "duplicates": 0, "ignored": 1}
    assert await hooks.dispatched() == []


async def test_malformed_and_oversized_bodies(hooks: Hooks) -> None:
    junk = b'{"event_type": ["not", "an", "id"]}'
    bad = await hooks.client.post(
        "/api/v1/webhooks/oura", content=junk, headers=ws.oura_headers(junk)
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_payload")
    huge = b"{" + b" " * 300_000 + b"}"
    big = await hooks.client.post(
        "/api/v1/webhooks/oura", content=huge, headers=ws.oura_headers(huge)
    )
    assert (big.status_code, big.json()["code"]) == (413, "payload_too_large")


async def test_unconfigured_provider_answers_503(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    app = create_app(settings_factory())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/api/v1/webhooks/oura", content=OURA_BODY)
    await app.state.runtime.dispose()
    assert (response.status_code, response.json()["code"]) == (
        503,
        "webhook_not_configured",
    )


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800"])
async def test_unstorable_text_in_a_webhook_is_a_bad_payload(
    hooks: Hooks, bad: str
) -> None:
    """Issue 16 #2, webhook side: NUL or a lone surrogate in a provider's id
    is 400 invalid_payload, not a failed INSERT (500)."""
    body = OURA_BODY.replace(b"oura-sleep-2026-07-04", f"sleep{bad}x".encode())
    response = await hooks.client.post(
        "/api/v1/webhooks/oura", content=body, headers=ws.oura_headers(body)
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_payload")
    assert await hooks.deliveries() == []
