"""Members connect and disconnect wearable providers.

The platform's identity service completes the provider's OAuth flow and hands
us the tokens; we store them (never log them, never put them in events) and
start a first sync of the member's recent history.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFoundError
from app.db.models.gym import Member
from app.db.models.wearable import ConnectionStatus, WearableConnection
from app.db.repositories import wearables as wearable_repo
from app.domain.wearables import DeviceKind, Provider
from app.jobs.dispatch import Dispatcher
from app.jobs.events.sync import WearableDataReceived
from app.services import clock

DEFAULT_DEVICE = {
    Provider.OURA: DeviceKind.RING,
    Provider.WHOOP: DeviceKind.STRAP,
    Provider.GARMIN: DeviceKind.WATCH,
    Provider.GOOGLE_HEALTH: DeviceKind.WATCH,
    Provider.STRAVA: DeviceKind.OTHER,
}
CONNECTABLE = frozenset(DEFAULT_DEVICE)


class ConnectionNotFoundError(NotFoundError):
    code = "connection_not_found"


async def connect(
    session: AsyncSession,
    dispatcher: Dispatcher,
    member: Member,
    *,
    provider: Provider,
    external_user_id: str,
    access_token: str,
    refresh_token: str | None,
) -> WearableConnection:
    """Create or refresh the member's connection, then sync its history.

    The provider id comes from the client (until the provider's OAuth flow
    supplies it), so a taken id is answered like a free one: a 409 told
    anyone whether an id was connected anywhere. Webhooks for an id several
    members claim go to none of them (`wearable_repo.find_connection`); each
    connection still syncs with its own token, so it only ever reads its
    own member's data."""
    connection = await wearable_repo.get_member_connection(session, member.id, provider)
    if connection is None:
        connection = WearableConnection(
            member_id=member.id,
            provider=provider.value,
            device_kind=DEFAULT_DEVICE[provider].value,
            created_at=clock.now(),
        )
        session.add(connection)
    connection.external_user_id = external_user_id
    connection.access_token = access_token
    connection.refresh_token = refresh_token
    connection.status = ConnectionStatus.ACTIVE.value
    connection.broken_reason = None
    await session.flush()
    await dispatcher.dispatch(
        session,
        WearableDataReceived(
            member_id=member.id,
            connection_id=connection.id,
            provider=provider,
            reason="connected",
            requested_on=clock.utc_today(),
        ),
    )
    return connection


async def list_connections(
    session: AsyncSession, member: Member
) -> list[WearableConnection]:
    return await wearable_repo.list_member_connections(session, member.id)


async def disconnect(
    session: AsyncSession, member: Member, connection_id: uuid.UUID
) -> None:
    """Forget the connection and its tokens (readings already synced stay)."""
    connection = await wearable_repo.get_connection(session, connection_id)
    if connection is None or connection.member_id != member.id:
        raise ConnectionNotFoundError()
    await wearable_repo.delete_connection(session, connection_id)
