"""Hands outbox rows to the Inngest event API through the SDK, bounded in time.

`Inngest.send` retries 5 times with a per-attempt timeout and can take minutes
against a hung API; here each attempt has `INNGEST_SEND_TIMEOUT_MS` (set on the
client) and the whole call `INNGEST_SEND_DEADLINE_S`. Errors are classified so
the relay can tell an outage (retry forever, with backoff) from a rejection
(counted towards the attempt cap).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Sequence

import httpx
import inngest
from inngest._internal import errors as inngest_errors

from app.db.models.outbox import OutboxEvent

NO_RESPONSE = "never received response"


@dataclasses.dataclass(frozen=True)
class SendFailedError(Exception):
    """A send that did not succeed. `code` is safe to log (no key, no payload)."""

    code: str
    rejected: bool  # the API answered with an error about the events

    def __str__(self) -> str:
        return self.code


def to_inngest_event(row: OutboxEvent) -> inngest.Event:
    return inngest.Event(
        name=row.name,
        data=row.payload,
        id=row.id,
        ts=int(row.created_at.timestamp() * 1000),
    )


class EventSender:
    def __init__(self, client: inngest.Inngest, deadline_s: float) -> None:
        self._client = client
        self._deadline_s = deadline_s

    async def send(self, rows: Sequence[OutboxEvent]) -> None:
        events = [to_inngest_event(row) for row in rows]
        try:
            async with asyncio.timeout(self._deadline_s):
                await self._client.send(events)
        except TimeoutError:
            raise SendFailedError("send_deadline_exceeded", rejected=False) from None
        except inngest_errors.SendEventsError as exc:
            raise _classify(exc) from None
        except inngest_errors.EventKeyUnspecifiedError:
            raise SendFailedError("event_key_missing", rejected=False) from None
        except json.JSONDecodeError:
            raise SendFailedError("event_api_bad_response", rejected=False) from None
        except httpx.HTTPError:
            raise SendFailedError("event_api_unreachable", rejected=False) from None


def _classify(exc: inngest_errors.SendEventsError) -> SendFailedError:
    message = str(exc).lower()
    if NO_RESPONSE in message:
        return SendFailedError("event_api_unreachable", rejected=False)
    if "event key" in message:
        # Misconfiguration, not a bad event: never let it kill events.
        return SendFailedError("event_key_rejected", rejected=False)
    return SendFailedError("event_rejected", rejected=True)
