"""Annotated dependencies for routes: the runtime, a unit of work, the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import UnauthorizedError
from app.core.security import (
    AdminPrincipal,
    Principal,
    decode_admin_token,
    decode_token,
)
from app.jobs.dispatch import Dispatcher
from app.jobs.events.base import PlatformEvent
from app.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the route returns (before the
    response is sent), rolled back on error; dispatched events are handed off
    right after the commit."""
    async with runtime.transaction() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


class Dispatch:
    """`await dispatch(event)` inside a route: staged in the request's transaction."""

    def __init__(self, dispatcher: Dispatcher, session: AsyncSession) -> None:
        self._dispatcher = dispatcher
        self._session = session

    async def __call__(self, *events: PlatformEvent) -> list[str]:
        return await self._dispatcher.dispatch(self._session, *events)


def get_dispatch(runtime: RuntimeDep, session: SessionDep) -> Dispatch:
    return Dispatch(runtime.dispatcher, session)


DispatchDep = Annotated[Dispatch, Depends(get_dispatch)]

_bearer = HTTPBearer(auto_error=False)


def get_principal(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return decode_token(settings, _bearer_token(credentials))


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthorizedError("missing bearer token")
    return credentials.credentials


def get_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AdminPrincipal:
    return decode_admin_token(settings, _bearer_token(credentials))


AdminDep = Annotated[AdminPrincipal, Depends(get_admin)]


def get_caller(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | AdminPrincipal:
    """A person of a gym, or a platform admin (routes that serve both)."""
    token = _bearer_token(credentials)
    try:
        return decode_token(settings, token)
    except UnauthorizedError:
        return decode_admin_token(settings, token)


CallerDep = Annotated[Principal | AdminPrincipal, Depends(get_caller)]
