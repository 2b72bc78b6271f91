"""Outbound HTTP to wearable providers: explicit timeouts, no redirects, a
capped body size and one mapping from status codes to `ProviderError`s."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

import httpx

from app.core.config import Settings
from app.integrations.wearables.base import (
    ProviderAuthRevokedError,
    ProviderNotFoundError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from app.integrations.wearables.fake_provider import shared_fake_provider

DEFAULT_THROTTLE = dt.timedelta(seconds=60)
MAX_RETRY_AFTER = dt.timedelta(hours=1)


def build_http_client(settings: Settings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        connect=settings.WEARABLE_HTTP_CONNECT_TIMEOUT_S,
        read=settings.WEARABLE_HTTP_READ_TIMEOUT_S,
        write=settings.WEARABLE_HTTP_READ_TIMEOUT_S,
        pool=settings.WEARABLE_HTTP_CONNECT_TIMEOUT_S,
    )
    transport = None
    if settings.wearables_fake:  # the same requests, answered in-process
        transport = httpx.ASGITransport(app=shared_fake_provider().app)
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        headers={"accept": "application/json", "user-agent": "gym-platform-jobs"},
    )


def parse_retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """`Retry-After` as delta-seconds or an HTTP date, capped at one hour."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        delay = dt.timedelta(seconds=int(text))
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        delay = max(when - now, dt.timedelta(0))
    return min(delay, MAX_RETRY_AFTER)


class ProviderHttp:
    """GET JSON from one provider with a bearer token."""

    def __init__(self, client: httpx.AsyncClient, max_bytes: int) -> None:
        self._client = client
        self._max_bytes = max_bytes

    async def get_json(
        self, url: str, token: str, params: Mapping[str, str] | None = None
    ) -> Any:
        headers = {"authorization": f"Bearer {token}"}
        try:
            async with self._client.stream(
                "GET", url, headers=headers, params=params
            ) as response:
                _raise_for_status(response)
                body = await self._read_capped(response)
        except httpx.HTTPError:
            raise ProviderUnavailableError() from None
        try:
            return json.loads(body)
        except ValueError:
            raise ProviderResponseError() from None

    async def request_backfill(
        self, url: str, token: str, params: Mapping[str, str]
    ) -> None:
        """GET an endpoint that answers 202 Accepted (data follows by webhook)."""
        headers = {"authorization": f"Bearer {token}"}
        try:
            response = await self._client.get(url, headers=headers, params=params)
        except httpx.HTTPError:
            raise ProviderUnavailableError() from None
        if response.status_code != 202:
            _raise_for_status(response)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise ProviderResponseError()
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise ProviderResponseError()
            chunks.append(chunk)
        return b"".join(chunks)


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 200:
        return
    if status in (401, 403):
        raise ProviderAuthRevokedError()
    if status == 404:
        raise ProviderNotFoundError()
    if status in (429, 503):
        now = dt.datetime.now(dt.UTC)
        delay = parse_retry_after(response.headers.get("retry-after"), now)
        if delay is not None:
            raise ProviderThrottledError(delay)
        if status == 429:
            raise ProviderThrottledError(DEFAULT_THROTTLE)
    if status >= 500:
        raise ProviderUnavailableError()
    raise ProviderResponseError()


def segment(value: str) -> str:
    """An id from a notification, safe as one URL path segment."""
    return urllib.parse.quote(value, safe="")
