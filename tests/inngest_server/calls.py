"""Call requests (server → SDK) and reading the SDK's reply (protocol §5)."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import time
import urllib.parse
import uuid

import httpx

from . import signing, timeparse
from .models import JSON, CallRecord, ErrorInfo, JSONDict, Run

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class NotLoopbackError(ValueError):
    """The stand-in refuses to call anything but loopback URLs."""


def require_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = host in LOOPBACK_NAMES or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise NotLoopbackError(f"refusing to call non-loopback URL {url!r}")


def step_url(fn_url: str, step_id: str) -> str:
    """The registered runtime URL with ``stepId`` replaced."""
    parts = urllib.parse.urlsplit(fn_url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    query["stepId"] = step_id
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def call_body(
    run: Run, step_id: str, attempt: int, *, force_plan: bool, use_api: bool
) -> JSONDict:
    """The JSON body of a call request, field for field as protocol §5.2."""
    events = [e.payload() for e in run.events]
    ctx: JSONDict = {
        "fn_id": run.function.uuid,
        "run_id": run.id,
        "env": "",
        "step_id": step_id,
        "attempt": attempt,
        "max_attempts": run.function.max_attempts,
        "stack": {"stack": list(run.stack), "current": len(run.stack)},
        "qi_id": "",
        "disable_immediate_execution": force_plan,
        "use_api": use_api,
    }
    return {
        "event": events[0],
        "events": [] if use_api else events,
        "steps": {} if use_api else {h: run.memos[h] for h in run.stack},
        "defers": {},
        "use_api": use_api,
        "version": run.request_version,
        "ctx": ctx,
    }


@dataclasses.dataclass
class Reply:
    """An SDK reply, classified the way the server's HTTP driver does."""

    status: int | None
    kind: str  # "complete" | "ops" | "error"
    output: JSON = None
    ops: list[JSONDict] = dataclasses.field(default_factory=list)
    error: ErrorInfo | None = None
    no_retry: bool = False
    retry_after: float | None = None
    request_version: int | None = None
    signature_ok: bool | None = None


def _unwrap_stream(res: httpx.Response) -> tuple[int, dict[str, str], str]:
    wrapped = json.loads(res.text.strip())
    headers = {
        str(k).lower(): str(v) for k, v in (wrapped.get("headers") or {}).items()
    }
    return int(wrapped["status"]), headers, str(wrapped.get("body") or "")


def read_reply(res: httpx.Response, signing_key: str | None) -> Reply:
    status, headers, text = (
        res.status_code,
        {k.lower(): v for k, v in res.headers.items()},
        res.text,
    )
    sig_ok = None
    if signing_key is not None:
        sig_ok = signing.verify_response(
            res.content, res.headers.get("x-inngest-signature"), signing_key
        )
    if status == 201:
        status, inner, text = _unwrap_stream(res)
        headers = {**headers, **inner}
    try:
        body: JSON = json.loads(text) if text else None
    except ValueError:
        body = text
    version = headers.get("x-inngest-req-version")
    reply = Reply(
        status=status,
        kind="error",
        no_retry=headers.get("x-inngest-no-retry") == "true",
        request_version=int(version)
        if version and version.lstrip("-").isdigit()
        else None,
        signature_ok=sig_ok,
    )
    if "retry-after" in headers:
        reply.retry_after = timeparse.parse_retry_after(headers["retry-after"])
    if 200 <= status < 300 and "x-inngest-sdk" not in headers:
        reply.error = ErrorInfo(
            "Error", "The response did not come from an Inngest SDK"
        )
    elif status == 206:
        reply.kind, reply.ops = "ops", body if isinstance(body, list) else [body]
    elif status == 200:
        reply.kind, reply.output = "complete", body
    else:
        reply.error = ErrorInfo.from_body(body, f"HTTP {status}")
    return reply


async def send_call(
    http: httpx.AsyncClient,
    run: Run,
    step_id: str,
    attempt: int,
    *,
    force_plan: bool,
    use_api: bool,
    signing_key: str | None,
) -> Reply:
    """Sign and POST one call request; transport failures become error replies."""
    require_loopback(run.function.url)
    body = signing.canonical(
        call_body(run, step_id, attempt, force_plan=force_plan, use_api=use_api)
    )
    headers = {
        "content-type": "application/json",
        "x-run-id": run.id,
        "x-request-id": str(uuid.uuid4()),
        "x-inngest-job-id": f"{run.id}:{step_id}:{attempt}",
        "x-inngest-req-version": str(run.request_version),
        "x-inngest-step-id": step_id,
    }
    if signing_key is not None:
        headers["x-inngest-signature"] = signing.sign(body, signing_key)
    started = time.monotonic()
    try:
        res = await http.post(
            step_url(run.function.url, step_id), content=body, headers=headers
        )
        reply = read_reply(res, signing_key)
    except (httpx.HTTPError, ValueError, KeyError) as err:
        reply = Reply(
            status=None, kind="error", error=ErrorInfo(type(err).__name__, str(err))
        )
    run.calls.append(
        CallRecord(
            step_id=step_id,
            attempt=attempt,
            status=reply.status,
            ops=[str(op.get("op")) for op in reply.ops],
            duration=time.monotonic() - started,
            signature_ok=reply.signature_ok,
            error=reply.error.message if reply.error else None,
        )
    )
    if reply.request_version is not None:
        run.request_version = reply.request_version
    return reply
