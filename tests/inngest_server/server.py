"""``InngestServer``: the stand-in for the Inngest server, for tests.

It runs in its own thread and event loop (like a real server in its own
process, so blocking calls in the test or the app cannot deadlock it),
serves the event API and ``/fn/register`` on loopback, syncs apps with a
(signed) PUT, routes events and drives every run with signed call requests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime
import threading
import typing

import httpx

from . import calls, manual, signing, waiting
from .api import build_api
from .executor import Executor, Settings
from .models import EventRecord, JSONDict, Run
from .registry import Registry
from .serving import serve_asgi

Mode = typing.Literal["cloud", "dev"]
T = typing.TypeVar("T")


class SyncError(RuntimeError):
    pass


class InngestServer(Registry):
    """Use as ``async with InngestServer() as server: ...``.

    mode: ``"cloud"`` signs every request with ``signing_key`` (generated when
    not given) and requires a known event key; ``"dev"`` signs nothing and
    accepts any event key. Timing knobs are the fields of ``Settings``.
    """

    def __init__(
        self,
        *,
        mode: Mode = "cloud",
        signing_key: str | None = None,
        event_keys: list[str] | None = None,
        accepted_keys: list[str] | None = None,
        call_timeout: float = 30.0,
        **settings: typing.Any,
    ) -> None:
        if mode == "dev" and signing_key is not None:
            raise ValueError("dev mode is unsigned; use mode='cloud' to sign")
        if mode == "cloud":
            signing_key = signing_key or signing.new_signing_key()
            event_keys = event_keys if event_keys is not None else ["test-event-key"]
        super().__init__(Settings(signing_key=signing_key, **settings))
        self.mode: Mode = mode
        self.signing_key = signing_key
        self.event_keys = event_keys
        self.accepted_keys = (
            accepted_keys
            if accepted_keys is not None
            else [k for k in [signing_key] if k]
        )
        self.call_timeout = call_timeout
        self._url: str | None = None
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle (own thread + loop) ----------------------------------------
    async def __aenter__(self) -> InngestServer:
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=asyncio.run,
            args=(self._main(ready),),
            name="inngest-stand-in",
            daemon=True,
        )
        self._thread.start()
        self._url = await asyncio.wait_for(asyncio.wrap_future(ready), timeout=15)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 15)

    async def _main(self, ready: concurrent.futures.Future[str]) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            async with contextlib.AsyncExitStack() as stack:
                self._http = await stack.enter_async_context(
                    httpx.AsyncClient(timeout=self.call_timeout)
                )
                self._executor = Executor(self, self._http, self.settings)
                stack.push_async_callback(self._executor.close)
                ready.set_result(
                    await stack.enter_async_context(serve_asgi(build_api(self)))
                )
                await self._stop.wait()
        except BaseException as err:
            if not ready.done():
                ready.set_exception(err)
            raise

    async def _on_loop(self, coro: typing.Coroutine[typing.Any, typing.Any, T]) -> T:
        """Run ``coro`` on the server's loop and await it from the caller's."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("InngestServer is not started (use `async with`)")
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(coro, self._loop)
        )

    def _blocking(self, fn: typing.Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop (state changes happen only there)."""

        async def call() -> T:
            return fn()

        if self._loop is None:
            raise RuntimeError("InngestServer is not started (use `async with`)")
        if threading.current_thread() is self._thread:
            return fn()
        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout=10)

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("InngestServer is not started (use `async with`)")
        return self._url

    def client_options(self) -> dict[str, typing.Any]:
        """Keyword arguments for ``inngest.Inngest(...)`` pointing at this server."""
        return {
            "is_production": self.mode == "cloud",
            "signing_key": self.signing_key,
            "event_key": (self.event_keys or ["test-event-key"])[0],
            "api_base_url": self.url,
            "event_api_base_url": self.url,
        }

    # -- sync ----------------------------------------------------------------
    async def sync(
        self, app_url: str, *, in_band: bool = False, key: str | None = None
    ) -> httpx.Response:
        """PUT the serve URL so the app registers; raise ``SyncError`` on failure."""
        calls.require_loopback(app_url)
        body = signing.canonical({"url": app_url})
        headers = {
            "content-type": "application/json",
            "x-inngest-server-kind": self.mode,
        }
        if in_band:
            headers["x-inngest-sync-kind"] = "in_band"
        if key or self.signing_key:
            headers["x-inngest-signature"] = signing.sign(
                body, typing.cast(str, key or self.signing_key)
            )
        before = len(self.registrations)
        res = await self._on_loop(self._put(app_url, body, headers))
        payload = res.json() if res.content else None
        if res.status_code != 200 or (
            isinstance(payload, dict) and payload.get("error")
        ):
            raise SyncError(f"sync of {app_url} failed: {res.status_code} {res.text}")
        if in_band:
            info = typing.cast(JSONDict, payload)
            self._blocking(
                lambda: self.record_registration(info, dict(res.headers), "")
            )
        elif len(self.registrations) == before:
            raise SyncError(
                f"sync of {app_url} returned 200 but nothing registered: {res.text}"
            )
        return res

    async def _put(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        assert self._http is not None
        return await self._http.put(url, content=body, headers=headers)

    @contextlib.asynccontextmanager
    async def attach(
        self, app: typing.Any, path: str = "/api/inngest"
    ) -> typing.AsyncIterator[str]:
        """Serve ``app`` on loopback (in the caller's loop), sync it, yield its URL."""
        async with serve_asgi(app) as base:
            url = base + path
            await self.sync(url)
            yield url

    # -- events and cron -------------------------------------------------------
    def send(
        self, name: str, data: JSONDict | None = None, **fields: typing.Any
    ) -> EventRecord:
        """Inject one event as if it came through the event API."""
        return self._blocking(
            lambda: self.ingest([{"name": name, "data": data or {}, **fields}])[0]
        )

    def fire_cron(self, fn_id: str, at: datetime.datetime | None = None) -> Run:
        """Start a cron function now with an ``inngest/scheduled.timer`` event."""
        return self._blocking(lambda: self.start_cron(fn_id, at))

    # -- waiting (all bounded) ------------------------------------------------
    async def drain(self, timeout: float = 10.0) -> list[Run]:
        """Wait for every run started so far (and their follow-ups) to finish.

        Raises ``DrainTimeoutError`` listing the unfinished runs on timeout.
        """
        return await self._on_loop(waiting.drain(self.executor, timeout))

    async def wait_for_runs(
        self, fn_id: str, count: int = 1, timeout: float = 10.0
    ) -> list[Run]:
        """Wait until ``count`` runs of ``fn_id`` have finished; return them."""
        fn = self.function(fn_id)
        what = f"{count} run(s) of {fn.id}"

        def pred(run: Run) -> bool:
            return run.function.id == fn.id

        return await self._on_loop(
            waiting.wait_for_runs(self.executor, pred, count, timeout, what)
        )

    async def wait_for_pause(
        self, fn_id: str | None = None, timeout: float = 10.0
    ) -> Run:
        """Wait until a run (of ``fn_id``) is parked in ``step.wait_for_event``."""
        target = self.function(fn_id).id if fn_id else None

        def pred(run: Run) -> bool:
            return target is None or run.function.id == target

        return await self._on_loop(waiting.wait_for_pause(self.executor, pred, timeout))

    async def wait_until(
        self, predicate: typing.Callable[[], bool], timeout: float = 10.0
    ) -> None:
        """Wait until ``predicate()`` holds (evaluated on the server's loop)."""
        await self._on_loop(
            waiting.wait_until(self.executor, predicate, timeout, "wait_until")
        )

    # -- low-level: hand-made call requests -------------------------------------
    def sign(
        self, body: bytes | JSONDict, key: str | None = None, ts: int | None = None
    ) -> str:
        """``X-Inngest-Signature`` for ``body`` (default: the server's key, now)."""
        content = body if isinstance(body, bytes) else signing.canonical(body)
        use = key or self.signing_key
        if use is None:
            raise ValueError("no signing key (dev mode): pass key=")
        return signing.sign(content, use, ts=ts)

    def call_body(
        self, fn_id: str, event: JSONDict | None = None, **kw: typing.Any
    ) -> JSONDict:
        """A valid call-request body for a fresh run of ``fn_id``."""
        return manual.build_call_body(self.function(fn_id), event, **kw)

    async def call(
        self,
        fn_id: str,
        body: JSONDict | bytes | None = None,
        *,
        key: str | None = None,
        signed: bool = True,
        **kw: typing.Any,
    ) -> httpx.Response:
        """POST a hand-made call request to ``fn_id``'s serve URL.

        Signed with ``key`` (default: the server's key) unless ``signed=False``;
        ``ts=`` sets the signature time, ``signature=`` a literal header value,
        ``step_id=`` and ``headers=`` are passed through.
        """
        fn = self.function(fn_id)
        use = (key or self.signing_key) if signed else None
        content = body if body is not None else manual.build_call_body(fn)
        assert self._http is not None
        return await self._on_loop(
            manual.post_call(self._http, fn, content, key=use, **kw)
        )
