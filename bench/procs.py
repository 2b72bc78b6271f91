"""Servers under test, each in its own process (as in production): the app or
the bare SDK app under uvicorn, and the fake event API.

On a machine with 2+ cores the server under test is pinned to the last core
and the benchmark process (load generator) to the others, so the client never
steals the server's CPU.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from bench.databases import ROOT, TMP

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 25.0


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A loopback port nobody listens on, never one this process handed out
    before: two servers created before either started once got the same port
    (the first was free again until its server bound it)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """(server cores, client cores), or (None, None) when pinning is moot."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return {cores[-1]}, set(cores[:-1])


def pin_client() -> None:
    _, client = cpu_split()
    if client is not None:
        os.sched_setaffinity(0, client)


def _pin_server() -> None:
    server, _ = cpu_split()
    if server is not None:
        os.sched_setaffinity(0, server)


def _wait_http(
    url: str, proc: subprocess.Popen[bytes], log: Path, *, any_status: bool
) -> None:
    """Until `url` answers 200 (or anything at all, with `any_status`)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as res:  # noqa: S310 - loopback
                if res.status == 200:
                    return
        except urllib.error.HTTPError:
            if any_status:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_S} s")


class Server:
    """A uvicorn process serving `factory` on 127.0.0.1:<port>."""

    def __init__(
        self,
        name: str,
        factory: str,
        env: Mapping[str, str],
        *,
        ready_path: str = "/healthz",
        ready_any_status: bool = False,
        pin: bool = True,
        command: list[str] | None = None,
    ) -> None:
        self.name = name
        self.factory = factory
        self.env = dict(env)
        self.ready_path = ready_path
        self.ready_any_status = ready_any_status
        self.pin = pin
        self.command = command  # instead of uvicorn (no HTTP readiness check)
        self.port = free_port()
        if self.env.get("INNGEST_SERVE_ORIGIN") == "self":  # our own origin
            self.env["INNGEST_SERVE_ORIGIN"] = self.url
        self.log = TMP / f"{name}-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        TMP.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        # The same command line as the Docker image's CMD (plus a port).
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            self.factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--proxy-headers",
            "--timeout-graceful-shutdown",
            "20",
        ]
        if self.command is not None:
            cmd = [sys.executable, *self.command]
        with self.log.open("wb") as out:
            self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter
                cmd,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_pin_server if self.pin else None,
            )
        try:
            self._await_ready()
        except BaseException:
            self.stop()  # never leave a half-started server behind
            raise

    def _await_ready(self) -> None:
        assert self._proc is not None
        if self.command is not None:
            time.sleep(1.0)
            if self._proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.name} exited at once:\n{tail}")
            return
        _wait_http(
            self.url + self.ready_path,
            self._proc,
            self.log,
            any_status=self.ready_any_status,
        )

    def cpu_seconds(self) -> float:
        """CPU time the server process has run so far, all its threads
        (scheduler statistics: nanoseconds on a CPU, not counting time the VM
        host took the CPU away). 0.0 where /proc has no such figure."""
        if self._proc is None:
            return 0.0
        total = 0
        for stat in Path(f"/proc/{self._proc.pid}/task").glob("*/schedstat"):
            try:
                total += int(stat.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that ended meanwhile
        return total / 1e9

    def stop(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return None if proc is None else proc.returncode
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextlib.contextmanager
def servers(*items: Server) -> Iterator[tuple[Server, ...]]:
    started: list[Server] = []
    try:
        for item in items:
            item.start()
            started.append(item)
        yield items
    finally:
        for item in reversed(started):
            item.stop()
