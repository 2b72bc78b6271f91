"""Hand-made call requests, for tests of the serve endpoint's defences."""

from __future__ import annotations

import time
import typing

import httpx

from . import calls, signing
from .models import EventRecord, JSONDict, RegisteredFunction, Run, new_ulid

Signature = typing.Literal["valid", "none"] | str


def build_call_body(
    fn: RegisteredFunction,
    event: JSONDict | None = None,
    *,
    steps: JSONDict | None = None,
    attempt: int = 0,
) -> JSONDict:
    """A valid call-request body for ``fn`` (a fresh run with ``steps`` memoised)."""
    raw = event or {"name": "harness/manual", "data": {}}
    record = EventRecord(
        internal_id=new_ulid(),
        name=str(raw["name"]),
        data=dict(raw.get("data") or {}),
        id=str(raw.get("id") or new_ulid()),
        ts=int(raw.get("ts") or time.time() * 1000),
    )
    run = Run(id=new_ulid(), function=fn, events=[record])
    for hashed, memo in (steps or {}).items():
        run.memos[hashed] = memo
        run.stack.append(hashed)
    return calls.call_body(run, "step", attempt, force_plan=False, use_api=False)


async def post_call(
    http: httpx.AsyncClient,
    fn: RegisteredFunction,
    body: JSONDict | bytes,
    *,
    key: str | None,
    step_id: str = "step",
    ts: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST ``body`` to ``fn``'s URL, signed with ``key`` at ``ts`` unless
    ``signature`` (a literal header value) is given; ``key=None`` → unsigned."""
    calls.require_loopback(fn.url)
    content = body if isinstance(body, bytes) else signing.canonical(body)
    sent = {"content-type": "application/json", **(headers or {})}
    if signature is not None:
        sent["x-inngest-signature"] = signature
    elif key is not None:
        sent["x-inngest-signature"] = signing.sign(content, key, ts=ts)
    return await http.post(
        calls.step_url(fn.url, step_id), content=content, headers=sent
    )
