"""What the project relies on in the Inngest SDK's private or untyped parts.

`app/jobs/event_sender.py` and `app/jobs/middleware.py` import the private
`inngest._internal.errors`, and send failures are told apart by the text of
the SDK's messages. These tests pin each of those facts against the installed
SDK (real HTTP on loopback), so a bump that changes any of them fails here,
with the place to fix named, rather than silently misclassifying failures.

The last tests show that SDK 0.5.19 does not check the signature's timestamp
(nor require one): the reason `app/jobs/signature_freshness.py` exists. When
they fail after a bump, the SDK has started checking: the guard may go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib.metadata
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable

import inngest
import pytest
from inngest._internal import errors as inngest_errors
from inngest._internal import net, server_lib, transforms

from app.db.models.outbox import OutboxEvent
from app.jobs.event_sender import NO_RESPONSE, EventSender, SendFailedError
from tests.fakes.event_api import TEST_EVENT_KEY, FakeEventApi, Mode
from tests.support.serving import serve_asgi

CHECKED_VERSION = "0.5.19"
SIGNING_KEY = "signkey-test-" + "ab" * 32
BODY = json.dumps({"event": {"name": "platform/x", "data": {}}}).encode()


@pytest.fixture
async def clients() -> AsyncIterator[Callable[[str, str | None], inngest.Inngest]]:
    """SDK clients whose keep-alive connections are closed after the test
    (the servers they talk to stop first; an open socket is a warning)."""
    made: list[inngest.Inngest] = []

    def make(event_api_url: str, event_key: str | None) -> inngest.Inngest:
        made.append(
            inngest.Inngest(
                app_id="sdk-contract",
                is_production=True,
                event_key=event_key,
                signing_key=SIGNING_KEY,
                event_api_base_url=event_api_url,
                api_base_url=event_api_url,
                logger=logging.getLogger("inngest"),
            )
        )
        return made[-1]

    yield make
    for sdk in made:
        await sdk._http_client._http_client.aclose()
        sdk._http_client._http_client_sync.close()


def outbox_row() -> OutboxEvent:
    return OutboxEvent(
        id="platform/contract.probe:1",
        name="platform/contract.probe",
        payload={"n": 1},
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_the_sdk_is_the_version_this_coupling_was_checked_against() -> None:
    assert importlib.metadata.version("inngest") == CHECKED_VERSION, (
        "inngest changed: re-check app/jobs/event_sender.py, app/jobs/middleware.py"
        " and app/jobs/signature_freshness.py against it, then update this file"
    )


def test_the_private_errors_module_has_what_the_app_imports() -> None:
    assert issubclass(inngest_errors.SendEventsError, inngest_errors.Error)
    assert issubclass(inngest_errors.EventKeyUnspecifiedError, inngest_errors.Error)
    assert inngest_errors.SendEventsError("x", ["id-1"]).ids == ["id-1"]
    # The middleware decides "final attempt" with is_retriable.
    assert inngest_errors.is_retriable(inngest.NonRetriableError("x")) is False
    assert inngest_errors.is_retriable(inngest.RetryAfterError("x", 1000)) is True
    assert inngest_errors.is_retriable(RuntimeError("x")) is True


async def test_an_unreachable_event_api_is_a_send_error_saying_no_response(
    clients: Callable[[str, str | None], inngest.Inngest],
) -> None:
    url = closed_port_url()
    with pytest.raises(inngest_errors.SendEventsError) as caught:
        await clients(url, TEST_EVENT_KEY).send(inngest.Event(name="platform/x"))
    assert NO_RESPONSE in str(caught.value).lower()
    sender = EventSender(clients(url, TEST_EVENT_KEY), deadline_s=60)
    with pytest.raises(SendFailedError) as failed:
        await sender.send([outbox_row()])
    assert failed.value == SendFailedError("event_api_unreachable", rejected=False)


async def test_a_refused_event_key_is_a_send_error_naming_the_event_key(
    clients: Callable[[str, str | None], inngest.Inngest],
) -> None:
    api = FakeEventApi(TEST_EVENT_KEY)
    async with serve_asgi(api.app) as url:
        with pytest.raises(inngest_errors.SendEventsError) as caught:
            await clients(url, "not-the-key").send(inngest.Event(name="platform/x"))
        assert "event key" in str(caught.value).lower()
        sender = EventSender(clients(url, "not-the-key"), deadline_s=60)
        with pytest.raises(SendFailedError) as failed:
            await sender.send([outbox_row()])
    assert failed.value == SendFailedError("event_key_rejected", rejected=False)


async def test_a_rejected_event_is_a_send_error_with_the_api_message(
    clients: Callable[[str, str | None], inngest.Inngest],
) -> None:
    api = FakeEventApi(TEST_EVENT_KEY)
    api.mode = Mode.REJECT
    async with serve_asgi(api.app) as url:
        sender = EventSender(clients(url, TEST_EVENT_KEY), deadline_s=60)
        with pytest.raises(SendFailedError) as failed:
            await sender.send([outbox_row()])
    assert failed.value == SendFailedError("event_rejected", rejected=True)


async def test_no_event_key_in_production_is_its_own_error(
    clients: Callable[[str, str | None], inngest.Inngest],
) -> None:
    url = closed_port_url()  # never reached: the SDK refuses before sending
    with pytest.raises(inngest_errors.EventKeyUnspecifiedError):
        await clients(url, None).send(inngest.Event(name="platform/x"))
    sender = EventSender(clients(url, None), deadline_s=60)
    with pytest.raises(SendFailedError) as failed:
        await sender.send([outbox_row()])
    assert failed.value == SendFailedError("event_key_missing", rejected=False)


def sdk_accepts(header: str) -> bool:
    verdict = net.validate_request_sig(
        body=BODY,
        headers={server_lib.HeaderKey.SIGNATURE.value: header},
        mode=server_lib.ServerKind.CLOUD,
        signing_key=SIGNING_KEY,
        signing_key_fallback=None,
    )
    return not isinstance(verdict, Exception)


def test_the_sdk_checks_the_mac() -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    assert sdk_accepts(str(net.sign_request(BODY, SIGNING_KEY, now)))
    assert not sdk_accepts(f"t={now}&s={'0' * 64}")


def test_the_sdk_accepts_a_signature_a_year_old() -> None:
    # A captured call replayed a year later: only our guard refuses it.
    year_ago = int((dt.datetime.now(dt.UTC) - dt.timedelta(days=365)).timestamp())
    assert sdk_accepts(str(net.sign_request(BODY, SIGNING_KEY, year_ago)))


def test_the_sdk_accepts_a_signature_without_a_timestamp() -> None:
    key = transforms.remove_signing_key_prefix(SIGNING_KEY).encode()
    canonical = transforms.canonicalize(BODY)
    assert isinstance(canonical, bytes)
    mac = hmac.new(key, canonical, hashlib.sha256).hexdigest()
    assert sdk_accepts(f"s={mac}")
