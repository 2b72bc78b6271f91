"""S6: forged, unsigned, expired, future, replayed and tampered requests to
/api/inngest get 401 before any function body runs; the fallback key works;
an unsigned sync is refused in production, and a forged Host is refused.

The real app serves a probe worker; the Inngest stand-in signs like Inngest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from tests.fakes.probe import ProbeWorker, build_probe_app
from tests.faults.harness import free_port, summary_ms, table_counts
from tests.inngest_server import InngestServer, new_signing_key
from tests.inngest_server.signing import canonical, strip_prefix
from tests.support.inngest_app import inngest_settings
from tests.support.serving import LoopbackServer

pytestmark = pytest.mark.db
FN = "probe-record"
REJECTION_SAMPLES = 200


@dataclasses.dataclass
class ProbeStack:
    server: InngestServer
    worker: ProbeWorker
    url: str


def probe_event() -> dict[str, Any]:
    return {
        "name": "platform/scoring.probe-recorded",
        "data": {"gym_id": str(uuid.uuid4())},
    }


@pytest.fixture
async def stack(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> AsyncIterator[ProbeStack]:
    async with InngestServer(mode="cloud") as server:
        worker = ProbeWorker()
        app = build_probe_app(inngest_settings(settings_factory, server), worker)
        async with server.attach(app) as url:
            yield ProbeStack(server, worker, url)


def mac_without_timestamp(body: dict[str, Any], key: str) -> str:
    return hmac.new(
        strip_prefix(key).encode(), canonical(body), hashlib.sha256
    ).hexdigest()


async def test_invalid_requests_get_401_and_run_nothing(
    stack: ProbeStack, engine: AsyncEngine
) -> None:
    server, key = stack.server, stack.server.signing_key
    assert key is not None
    before = await table_counts(engine)
    body = server.call_body(FN, event=probe_event())
    now = int(time.time())
    valid = server.sign(body)
    cases: dict[str, dict[str, Any]] = {
        "no signature": {"signed": False},
        "wrong key": {"key": new_signing_key()},
        "s without t": {"signature": f"s={mac_without_timestamp(body, key)}"},
        "t 10 min ago": {"ts": now - 600},
        "t in 10 min": {"ts": now + 600},
        "replay after 6 min": {"ts": now - 360},
        "garbage header": {"signature": "garbage"},
        "t given twice": {"signature": f"t={now}&t={now - 600}&" + valid.split("&")[1]},
    }
    statuses = {}
    for name, options in cases.items():
        statuses[name] = (await server.call(FN, body, **options)).status_code
    tampered = dict(body, event={**body["event"], "data": {"gym_id": "x"}})
    statuses["tampered body"] = (
        await server.call(FN, tampered, signature=valid)
    ).status_code
    async with httpx.AsyncClient(timeout=5) as client:
        repeated = await client.post(
            stack.url + f"?fnId={FN}&stepId=step",
            content=canonical(body),
            headers=[("x-inngest-signature", valid)] * 2,
        )
        get = await client.get(stack.url)
        old_get = await client.get(
            stack.url, headers={"x-inngest-signature": server.sign(b"", ts=now - 600)}
        )
    statuses["repeated header"] = repeated.status_code
    statuses["unsigned GET"] = get.status_code
    statuses["expired GET"] = old_get.status_code
    assert statuses == dict.fromkeys(statuses, 401)
    assert stack.worker.attempts == 0  # no function body ran
    assert await table_counts(engine) == before  # no database write


async def test_exact_replay_inside_the_window_is_refused(
    stack: ProbeStack, engine: AsyncEngine
) -> None:
    body = stack.server.call_body(FN, event=probe_event())
    signature = stack.server.sign(body)
    first = await stack.server.call(FN, body, signature=signature)
    replayed = await stack.server.call(FN, body, signature=signature)
    assert first.status_code == 206  # the step ran
    assert replayed.status_code == 401
    assert len(stack.worker.calls) == 1
    # A fresh signature of the same body is not a replay (Inngest re-signs).
    signed_at = int(signature.split("&")[0].removeprefix("t="))
    resigned = await stack.server.call(FN, body, ts=signed_at - 1)
    assert resigned.status_code == 206


async def test_a_tampered_body_cannot_use_up_a_genuine_signature(
    stack: ProbeStack,
) -> None:
    """Someone who saw a signature sends it first with another body: the SDK
    refuses the MAC (401), the guard forgets the signature again, and the
    genuine request carrying it still runs."""
    body = stack.server.call_body(FN, event=probe_event())
    signature = stack.server.sign(body)
    tampered = dict(body, event={**body["event"], "data": {"gym_id": "x"}})
    first = await stack.server.call(FN, tampered, signature=signature)
    genuine = await stack.server.call(FN, body, signature=signature)
    assert (first.status_code, genuine.status_code) == (401, 206)
    assert len(stack.worker.calls) == 1
    replayed = await stack.server.call(FN, body, signature=signature)
    assert replayed.status_code == 401  # now it was used


# Timed: coverage's tracing (make test) would roughly double what it measures.
@pytest.mark.no_cover
async def test_refusals_are_fast_and_happen_before_the_sdk(
    stack: ProbeStack, settings_factory: Callable[..., Settings]
) -> None:
    """Timed in-process (ASGI, no sockets): what the app spends on a refusal.

    Over loopback sockets every request here costs ~44 ms of TCP delayed-ACK
    (a property of the test harness, /healthz included), so that is not timed.
    """
    app = build_probe_app(
        inngest_settings(settings_factory, stack.server), ProbeWorker()
    )
    body = json.dumps(stack.server.call_body(FN, event=probe_event())).encode()
    timings: list[float] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for _ in range(REJECTION_SAMPLES):
            started = time.perf_counter()
            response = await client.post(
                f"/api/inngest?fnId={FN}&stepId=step", content=body
            )
            timings.append(time.perf_counter() - started)
            assert response.status_code == 401
    stats = summary_ms(timings)
    print(f"S6 refusal inside the app (ms): {stats}")  # noqa: T201
    assert stats["p99"] < 5


async def test_fallback_signing_key_is_accepted(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    async with InngestServer(mode="cloud") as server:
        worker = ProbeWorker()
        settings = inngest_settings(
            settings_factory,
            server,
            INNGEST_SIGNING_KEY=new_signing_key(),  # rotated: Inngest still signs
            INNGEST_SIGNING_KEY_FALLBACK=server.signing_key,  # with the old one
        )
        async with server.attach(build_probe_app(settings, worker)):
            body = server.call_body(FN, event=probe_event())
            accepted = await server.call(FN, body)
            refused = await server.call(FN, body, key=new_signing_key())
    assert accepted.status_code == 206
    assert refused.status_code == 401
    assert len(worker.calls) == 1


async def test_production_refuses_unsigned_sync_and_foreign_hosts(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    async with InngestServer(mode="cloud") as server:
        settings = inngest_settings(
            settings_factory,
            server,
            APP_ENV="production",
            INNGEST_SERVE_ORIGIN=origin,
            ALLOWED_HOSTS="127.0.0.1",
        )
        app = LoopbackServer(build_probe_app(settings, ProbeWorker()), port=port)
        await app.start()
        try:
            url = f"{origin}/api/inngest"
            await server.sync(url)  # Inngest's own, signed sync works
            registered = len(server.registrations)
            forged = {"url": "http://attacker.example/api/inngest"}
            async with httpx.AsyncClient(timeout=5) as client:
                unsigned = await client.put(url, json=forged)
                foreign = await client.put(
                    url, json=forged, headers={"host": "attacker.example"}
                )
                foreign_post = await client.post(
                    url, json={}, headers={"host": "attacker.example"}
                )
        finally:
            await app.stop()
    assert unsigned.status_code == 401
    assert foreign.status_code == 400  # not an allowed host
    assert foreign_post.status_code == 400
    assert len(server.registrations) == registered  # no registration was sent
    [registration] = server.registrations[-1:]
    assert origin in json.dumps(registration, default=str)
