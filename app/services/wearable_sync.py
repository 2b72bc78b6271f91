"""Sync one connection: plan the fetches, run each one, then announce.

A sync is a list of units (JSON-safe, no secrets): the notified delivery, or
one data type over a day range (first sync, backfill). A unit reads the
connection in one short transaction, calls the provider with no transaction
open, and stores the result in a second one. Provider errors propagate for
the job to map (retry after, retry, or give up); a revoked grant marks the
connection broken first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.db.models.wearable import ConnectionStatus, WebhookDelivery
from app.db.repositories import member as member_repo
from app.db.repositories import wearables as wearable_repo
from app.domain.wearables import DeviceKind, Provider
from app.integrations.wearables import CLIENT_CLASSES
from app.integrations.wearables.base import (
    ConnectionRef,
    FetchResult,
    FetchTarget,
    ProviderAuthRevokedError,
    ProviderNotFoundError,
    WearableClient,
)
from app.jobs.dispatch import Dispatcher
from app.jobs.events.sync import ReadingsSynced, WearableDataReceived
from app.services import clock, wearable_store
from app.services.wearable_store import StoreOutcome

Transaction = Callable[[], contextlib.AbstractAsyncContextManager[AsyncSession]]
DELIVERY = "delivery"


@dataclasses.dataclass(frozen=True)
class _Job:
    ref: ConnectionRef
    provider: Provider
    gym_id: uuid.UUID
    tz: str
    delivery: WebhookDelivery | None


async def plan_sync(
    session: AsyncSession, event: WearableDataReceived, settings: Settings
) -> list[dict[str, str]]:
    """The units to run; [] when the connection is gone or broken, or the
    delivery was processed already (a replayed event)."""
    connection = await wearable_repo.get_connection(session, event.connection_id)
    if connection is None or connection.status != ConnectionStatus.ACTIVE.value:
        return []
    if event.delivery_id is not None:
        delivery = await wearable_repo.get_delivery(session, event.delivery_id)
        if delivery is None or delivery.processed_at is not None:
            return []
        return [{"unit": DELIVERY}]
    today = clock.utc_today()
    history = dt.timedelta(days=settings.WEARABLE_HISTORY_DAYS - 1)
    first = today - history
    if event.reason == "backfill" and connection.last_synced_at is not None:
        first = max(first, connection.last_synced_at.date() - dt.timedelta(days=1))
    last = today + dt.timedelta(days=1)  # members east of UTC are a day ahead
    data_types = _range_types(event.provider)
    return [
        {"unit": t, "first_day": first.isoformat(), "last_day": last.isoformat()}
        for t in data_types
    ]


async def run_unit(
    transaction: Transaction,
    dispatcher: Dispatcher,
    clients: Mapping[Provider, WearableClient],
    event: WearableDataReceived,
    unit: Mapping[str, str],
) -> StoreOutcome:
    async with transaction() as session:
        job = await _load_job(session, event)
    if job is None:
        return StoreOutcome()
    if job.delivery is not None and job.delivery.kind == "delete":
        async with transaction() as session:
            return await wearable_store.delete_record(
                session,
                event.member_id,
                job.provider.value,
                job.delivery.object_id or "",
            )
    try:
        result = await _fetch(clients[job.provider], job, unit)
    except ProviderAuthRevokedError:
        async with transaction() as session:
            await wearable_repo.mark_broken(
                session, event.connection_id, "auth_revoked"
            )
        raise
    async with transaction() as session:
        return await wearable_store.store_result(
            session,
            dispatcher,
            member_id=event.member_id,
            gym_id=job.gym_id,
            tz=job.tz,
            result=result,
            now=clock.now(),
        )


async def finish_sync(
    session: AsyncSession,
    dispatcher: Dispatcher,
    event: WearableDataReceived,
    outcomes: Sequence[StoreOutcome],
) -> int:
    """Record the sync and announce the days touched; returns readings stored."""
    now = clock.now()
    await wearable_repo.touch_synced(session, event.connection_id, now)
    if event.delivery_id is not None:
        await wearable_repo.mark_delivery_processed(session, event.delivery_id, now)
    firsts = [o.first_day for o in outcomes if o.first_day is not None]
    lasts = [o.last_day for o in outcomes if o.last_day is not None]
    stored = sum(o.stored for o in outcomes)
    if firsts and lasts:
        await dispatcher.dispatch(
            session,
            ReadingsSynced(
                member_id=event.member_id,
                connection_id=event.connection_id,
                provider=event.provider,
                first_day=min(firsts),
                last_day=max(lasts),
                readings=stored,
            ),
        )
    return stored


async def queue_backfills(
    session: AsyncSession, dispatcher: Dispatcher, settings: Settings
) -> int:
    """Dispatch a backfill for each active connection silent for too long."""
    now = clock.now()
    silent_since = now - dt.timedelta(hours=settings.WEARABLE_BACKFILL_SILENT_HOURS)
    connections = await wearable_repo.list_silent_connections(
        session, silent_since=silent_since, limit=settings.WEARABLE_BACKFILL_BATCH
    )
    events = [
        WearableDataReceived(
            member_id=c.member_id,
            connection_id=c.id,
            provider=Provider(c.provider),
            reason="backfill",
            requested_on=now.date(),
        )
        for c in connections
    ]
    await dispatcher.dispatch(session, *events)
    return len(events)


def _range_types(provider: Provider) -> tuple[str, ...]:
    return next(c.range_data_types for c in CLIENT_CLASSES if c.provider is provider)


async def _load_job(session: AsyncSession, event: WearableDataReceived) -> _Job | None:
    connection = await wearable_repo.get_connection(session, event.connection_id)
    member = await member_repo.get_member(session, event.member_id)
    if connection is None or member is None:
        return None
    if connection.status != ConnectionStatus.ACTIVE.value:
        return None
    delivery = None
    if event.delivery_id is not None:
        delivery = await wearable_repo.get_delivery(session, event.delivery_id)
        if delivery is None:
            return None
    ref = ConnectionRef(
        member_id=str(member.id),
        external_user_id=connection.external_user_id,
        access_token=connection.access_token,
        device_kind=DeviceKind(connection.device_kind),
    )
    return _Job(
        ref, Provider(connection.provider), member.gym_id, member.timezone, delivery
    )


async def _fetch(
    client: WearableClient, job: _Job, unit: Mapping[str, str]
) -> FetchResult:
    try:
        if job.delivery is not None:
            target = FetchTarget(
                data_type=job.delivery.data_type,
                object_id=job.delivery.object_id,
                day=job.delivery.day,
                fetch_url=job.delivery.fetch_url,
            )
            return await client.fetch(job.ref, target)
        first = dt.date.fromisoformat(unit["first_day"])
        last = dt.date.fromisoformat(unit["last_day"])
        return await client.fetch_range(job.ref, unit["unit"], first, last)
    except ProviderNotFoundError:
        return FetchResult()  # deleted since it was notified: nothing to store
