"""Graceful shutdown under uvicorn: first drain, then stop, then exit 0.

On SIGTERM uvicorn closes its listening socket at once, so a readiness probe
can never see a 503, and it re-raises the signal after shutting down, so the
process ends with status 143. When the app runs under uvicorn's own signal
handling, `install_sigterm_drain` takes over SIGTERM: it marks the app as
draining (`/readyz` answers 503) and, `drain_s` later, asks the server to
exit the normal way (`should_exit`): in-flight requests finish within
`--timeout-graceful-shutdown`, the lifespan stops the relay (which releases
its leased rows) and the process exits 0. A second SIGTERM, or SIGINT, keeps
uvicorn's immediate behaviour. Anywhere else (tests serving in-process, other
servers) nothing is changed.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType

import uvicorn

from app.core.logging import get_logger

log = get_logger("app.shutdown")


def install_sigterm_drain(
    on_drain: Callable[[], None], drain_s: float
) -> Callable[[], None]:
    """Take over SIGTERM from uvicorn; returns a function that gives it back."""
    previous = signal.getsignal(signal.SIGTERM)
    server = getattr(previous, "__self__", None)
    if not isinstance(server, uvicorn.Server) or not callable(previous):
        return lambda: None
    loop = asyncio.get_running_loop()
    draining = False

    def stop_server() -> None:
        log.info("app.drain_finished")
        server.should_exit = True

    def start_drain() -> None:
        log.info("app.draining", drain_s=drain_s)
        on_drain()
        loop.call_later(drain_s, stop_server)

    def handle(sig: int, frame: FrameType | None) -> None:
        nonlocal draining
        if draining:
            previous(sig, frame)  # asked twice: uvicorn's own (faster) shutdown
            return
        draining = True
        loop.call_soon_threadsafe(start_drain)

    signal.signal(signal.SIGTERM, handle)

    def restore() -> None:
        if signal.getsignal(signal.SIGTERM) is handle:
            signal.signal(signal.SIGTERM, previous)

    return restore
