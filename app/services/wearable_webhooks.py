"""Verified webhook notifications → stored deliveries → sync events.

Each notification is stored once per provider dedupe key (a re-delivery finds
its key and is acknowledged without a second sync) and dispatched with IDs
only. Unknown or broken connections and unsynced data types are acknowledged
and ignored, so providers do not retry or disable the endpoint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models.wearable import ConnectionStatus, WearableConnection
from app.db.repositories import wearables as wearable_repo
from app.domain.wearables import Provider
from app.domain.webhook_payloads import (
    NotificationKind,
    ParsedBody,
    ProviderNotification,
)
from app.integrations.wearables import SYNCED_DATA_TYPES
from app.jobs.dispatch import Dispatcher
from app.jobs.events.sync import WearableDataReceived
from app.services import clock

# Providers whose deliveries carry no signature (Strava: only a URL secret):
# their deauthorization is confirmed with the provider before it counts.
UNSIGNED = frozenset({Provider.STRAVA})


@dataclasses.dataclass(frozen=True)
class WebhookOutcome:
    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0

    def as_body(self) -> dict[str, int]:
        return dataclasses.asdict(self)


async def record_notifications(
    session: AsyncSession,
    dispatcher: Dispatcher,
    provider: Provider,
    parsed: ParsedBody,
    received_at: dt.datetime,
) -> WebhookOutcome:
    rows: dict[str, dict[str, Any]] = {}  # by dedupe key: one per body
    members: dict[uuid.UUID, uuid.UUID] = {}
    ignored, deauthorized = parsed.rejected, 0
    confirmations: list[WearableDataReceived] = []
    for note in parsed.notifications:
        connection = await _usable_connection(session, provider, note)
        if connection is None:
            ignored += 1
        elif note.kind is NotificationKind.DEAUTHORIZE and provider in UNSIGNED:
            # Anyone could send it: ask the provider instead. A sync with the
            # member's token breaks the connection on the provider's 401.
            confirmations.append(
                WearableDataReceived(
                    member_id=connection.member_id,
                    connection_id=connection.id,
                    provider=provider,
                    reason="backfill",
                    requested_on=clock.utc_today(),
                )
            )
            deauthorized += 1
        elif note.kind is NotificationKind.DEAUTHORIZE:
            await wearable_repo.mark_broken(session, connection.id, "deauthorized")
            deauthorized += 1
        else:
            row = _delivery_row(provider, note, connection.id, received_at)
            rows.setdefault(note.dedupe_key, row)
            members[connection.id] = connection.member_id
    inserted = await wearable_repo.add_deliveries(session, list(rows.values()))
    events = [
        WearableDataReceived(
            member_id=members[row["connection_id"]],
            connection_id=row["connection_id"],
            provider=provider,
            reason="webhook",
            delivery_id=row["id"],
        )
        for row in rows.values()
        if row["id"] in inserted
    ]
    await dispatcher.dispatch(session, *events, *confirmations)
    stored = len(parsed.notifications) - (ignored - parsed.rejected) - deauthorized
    return WebhookOutcome(
        accepted=len(events) + deauthorized,
        duplicates=stored - len(events),
        ignored=ignored,
    )


async def _usable_connection(
    session: AsyncSession, provider: Provider, note: ProviderNotification
) -> WearableConnection | None:
    synced = note.data_type in SYNCED_DATA_TYPES[provider]
    if note.kind is not NotificationKind.DEAUTHORIZE and not synced:
        return None
    connection = await wearable_repo.find_connection(
        session, provider.value, note.external_user_id
    )
    if connection is None or connection.status != ConnectionStatus.ACTIVE.value:
        return None
    return connection


def _delivery_row(
    provider: Provider,
    note: ProviderNotification,
    connection_id: uuid.UUID,
    received_at: dt.datetime,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "provider": provider.value,
        "dedupe_key": note.dedupe_key,
        "connection_id": connection_id,
        "kind": note.kind.value,
        "data_type": note.data_type,
        "object_id": note.object_id,
        "day": note.day,
        "fetch_url": note.fetch_url,
        "received_at": received_at,
    }
