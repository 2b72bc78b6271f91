"""Point the same tests at a real Inngest Dev Server (``INNGEST_DEV_SERVER_URL``).

Only what e2e tests need: client options, serving + syncing an app, and
polling the runs an event started (``GET /v1/events/{id}/runs``). Untested
here (no dev server binary on this machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import typing

import httpx

from .serving import serve_asgi

FINAL = frozenset({"Completed", "Failed", "Cancelled"})


class RemoteDevServer:
    mode = "dev"

    def __init__(self, url: str, *, host: str = "127.0.0.1") -> None:
        self.url = url.rstrip("/")
        self.host = host

    def client_options(self) -> dict[str, typing.Any]:
        return {
            "is_production": False,
            "api_base_url": self.url,
            "event_api_base_url": self.url,
        }

    @contextlib.asynccontextmanager
    async def attach(
        self, app: typing.Any, path: str = "/api/inngest"
    ) -> typing.AsyncIterator[str]:
        """Serve ``app`` (reachable by the dev server) and sync it with a PUT."""
        async with (
            serve_asgi(app, host=self.host) as base,
            httpx.AsyncClient(timeout=30) as http,
        ):
            url = base + path
            res = await http.put(
                url, json={"url": url}, headers={"x-inngest-server-kind": "dev"}
            )
            body = res.json() if res.content else None
            if res.status_code != 200 or (isinstance(body, dict) and body.get("error")):
                raise RuntimeError(
                    f"dev server sync failed: {res.status_code} {res.text}"
                )
            yield url

    async def wait_for_event_runs(
        self, event_id: str, count: int = 1, timeout: float = 30.0
    ) -> list[dict[str, typing.Any]]:
        """Poll until ``count`` runs of the event reached a final status."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=10) as http:
            while True:
                res = await http.get(f"{self.url}/v1/events/{event_id}/runs")
                runs = res.json().get("data") or [] if res.status_code == 200 else []
                done = [r for r in runs if r.get("status") in FINAL]
                if len(done) >= count:
                    return done
                if time.monotonic() >= deadline:
                    raise AssertionError(
                        f"runs of event {event_id} not finished after {timeout}s: {runs}"
                    )
                await asyncio.sleep(0.25)
