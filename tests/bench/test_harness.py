"""The benchmark harness's own helpers: statistics, the raw HTTP client, the
fake event API and the report table (no benchmark is run or timed here)."""

from __future__ import annotations

import json
import math
import socket
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from app.jobs.events.alerts import CheckInRecorded
from app.jobs.registry import load_workers
from bench import harness
from bench.apps import NoDispatch, bench_registry, fake_event_api
from bench.rawhttp import Connection, HttpProtocolError, build_request, parse_head
from tests.support.serving import serve


def test_percentile_interpolates_like_numpy() -> None:
    values = [float(v) for v in range(1, 101)]
    assert harness.percentile(values, 50) == pytest.approx(50.5)
    assert harness.percentile(values, 99) == pytest.approx(99.01)
    assert harness.percentile([3.0], 99) == 3.0
    assert harness.percentile([5.0, 1.0], 0) == 1.0
    with pytest.raises(ValueError, match="no values"):
        harness.percentile([], 50)
    with pytest.raises(ValueError, match="outside"):
        harness.percentile([1.0], 101)


def test_summary_keeps_min_median_max_and_renders_them() -> None:
    summary = harness.Summary.of([3.0, 1.0, 2.0, 10.0])
    assert (summary.min, summary.median, summary.max, summary.n) == (1, 2.5, 10, 4)
    assert summary.text("{:.1f}", "x") == "2.5x [1.0-10.0]"
    assert summary.as_json() == {"min": 1.0, "median": 2.5, "max": 10.0, "n": 4}
    with pytest.raises(ValueError, match="no values"):
        harness.Summary.of([])


def test_latency_stats_are_in_milliseconds() -> None:
    stats = harness.latency_stats([0.001] * 99 + [0.101])
    assert stats["p50_ms"] == pytest.approx(1.0)
    assert stats["max_ms"] == pytest.approx(101.0)
    assert stats["count"] == 100


def test_growth_exponent_and_ratio() -> None:
    assert harness.growth_exponent(1_000, 1.0, 10_000, 10.0) == pytest.approx(1.0)
    assert harness.growth_exponent(1, 2.0, 4, 2.0) == pytest.approx(0.0)
    assert harness.growth_exponent(10, 1.0, 100, 100.0) == pytest.approx(2.0)
    assert harness.ratio(3.0, 2.0) == 1.5
    with pytest.raises(ValueError, match="distinct"):
        harness.growth_exponent(5, 1.0, 5, 2.0)
    with pytest.raises(ValueError, match="non-positive"):
        harness.ratio(1.0, 0.0)


def test_jsonable_flattens_summaries_and_rounds() -> None:
    out = harness.jsonable(
        {"s": harness.Summary.of([1.0]), "x": (1.23456789,), 2: math.pi}
    )
    assert out == {
        "s": {"min": 1.0, "median": 1.0, "max": 1.0, "n": 1},
        "x": [1.2346],
        "2": 3.1416,
    }
    assert harness.verdict(True) == "yes"
    assert harness.verdict(False) == "**no**"
    assert harness.verdict(None) == "n/a"


def test_build_request_and_parse_head() -> None:
    raw = build_request("POST", "/x?y=1", host="h:1", headers={"a": "b"}, body=b"{}")
    assert (
        raw
        == b"POST /x?y=1 HTTP/1.1\r\nhost: h:1\r\na: b\r\ncontent-length: 2\r\n\r\n{}"
    )
    status, headers = parse_head(
        b"HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\nX-A: b c\r\n\r\n"
    )
    assert status == 206
    assert headers == {"content-length": "3", "x-a": "b c"}
    with pytest.raises(HttpProtocolError):
        parse_head(b"SPDY 200\r\n\r\n")
    with pytest.raises(HttpProtocolError):
        parse_head(b"HTTP/1.1 200 OK\r\nno-colon\r\n\r\n")


async def _echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse({"len": len(body), "path": request.url.path})


async def _streamed(_: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"ab"
        yield b"cd"

    return StreamingResponse(chunks(), media_type="text/plain")


async def _close(_: Request) -> Response:
    return PlainTextResponse("bye", headers={"connection": "close"})


async def test_raw_client_keeps_alive_and_reads_both_body_kinds() -> None:
    app = Starlette(
        routes=[
            Route("/echo", _echo, methods=["POST"]),
            Route("/stream", _streamed),
            Route("/close", _close),
        ]
    )
    async with (
        serve(app, lifespan="off") as server,
        Connection("127.0.0.1", server.port) as conn,
    ):
        for size in (0, 10, 70_000):
            res = await conn.request("POST", "/echo", body=b"x" * size)
            assert res.status == 200
            assert json.loads(res.body) == {"len": size, "path": "/echo"}
        streamed = await conn.request("GET", "/stream")
        assert (streamed.status, streamed.body) == (200, b"abcd")
        closed = await conn.request("GET", "/close")
        assert closed.body == b"bye"
        again = await conn.request("POST", "/echo", body=b"y")  # reconnects
        assert json.loads(again.body)["len"] == 1


async def test_fake_event_api_accepts_batches_and_counts_them() -> None:
    async with (
        serve(fake_event_api(), lifespan="off") as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        res = await client.post("/e/any-key", json=[{"name": "a"}, {"name": "b"}])
        assert res.status_code == 200
        assert res.json()["ids"] == ["bench-1-0", "bench-1-1"]
        assert (await client.get("/stats")).json() == {"requests": 1, "events": 2}


async def test_bench_registry_adds_the_noop_to_every_real_worker() -> None:
    names = [w.fn_id for w in bench_registry().workers]
    assert names[-1] == "bench-noop"
    assert names[:-1] == [w.fn_id for w in load_workers().workers]
    check_in = uuid.uuid4()
    event = CheckInRecorded(member_id=uuid.uuid4(), check_in_id=check_in)
    assert await NoDispatch()(event) == [f"{event.name}:{check_in}"]


def test_free_port_never_hands_out_the_same_port_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel may give a just-closed port 0 again: two servers created
    before either started once got the same port (address already in use)."""
    from bench import procs

    ports = iter([41000, 41000, 41001])

    class Reused(socket.socket):
        def getsockname(self) -> tuple[str, int]:
            return ("127.0.0.1", next(ports))

    monkeypatch.setattr(socket, "socket", Reused)
    monkeypatch.setattr(procs, "_HANDED_OUT", set())
    assert [procs.free_port(), procs.free_port()] == [41000, 41001]
