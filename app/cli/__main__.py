"""`python -m app.cli {cron,token,demo,deadletters,status,catalog}`: see app/cli/__init__.py."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.cli import cron, deadletters, demo, tokens
from app.cli.bootstrap import command_settings, out
from app.core.errors import AppError
from app.jobs import catalog
from app.jobs.operator_status import operator_status
from app.runtime import Runtime, build_runtime

T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)

    cron_cmd = commands.add_parser("cron", help="list cron workers or run one once")
    cron_cmd.add_argument("--list", action="store_true", help="schedules, last runs")
    cron_cmd.add_argument("--json", action="store_true", help="JSON output")
    cron_cmd.add_argument("run", nargs="?", choices=["run"], help="run one once")
    cron_cmd.add_argument("function_id", nargs="?", help="e.g. alerts-churn-scan-daily")

    token = commands.add_parser("token", help="mint a development token")
    token.add_argument(
        "--role", choices=["member", "coach", "owner", "admin"], required=True
    )
    token.add_argument("--gym", type=uuid.UUID, help="the gym id (not for admin)")
    token.add_argument("--sub", help="the person's id (admin: any name)")
    token.add_argument("--hours", type=float, default=12.0, help="lifetime")

    demo_cmd = commands.add_parser("demo", help="create the demo gym, print API calls")
    demo_cmd.add_argument("--json", action="store_true", help="ids and tokens as JSON")
    demo_cmd.add_argument(
        "--members", type=int, default=demo.DEFAULT_MEMBERS, help="members (6-60)"
    )
    demo_cmd.add_argument("--base-url", default="http://127.0.0.1:8000")
    catalog_cmd = commands.add_parser(
        "catalog", help="write docs/events.md from the event and worker registry"
    )
    catalog_cmd.add_argument(
        "--check", action="store_true", help="exit 1 when docs/events.md is stale"
    )
    deadletters.add_parser(commands)
    return parser


def _with_runtime(runtime: Runtime, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def run() -> T:
        try:
            return await work(runtime)
        finally:
            await runtime.dispose()

    return asyncio.run(run())


def _catalog(*, check: bool) -> int:
    path = catalog.CATALOG_PATH
    if check:
        fresh = path.exists() and path.read_text(encoding="utf-8") == catalog.render()
        out(f"{path.name}: {'up to date' if fresh else 'stale: run make catalog'}")
        return 0 if fresh else 1
    changed = catalog.write(path)
    out(f"{path.name}: {'written' if changed else 'unchanged'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "token":
        settings = command_settings(dev_only="token")
        ttl = dt.timedelta(hours=args.hours)
        out(
            tokens.mint(
                settings, role=args.role, gym_id=args.gym, sub=args.sub, ttl=ttl
            )
        )
        return 0
    if args.command == "catalog":
        return _catalog(check=args.check)
    if args.command == "demo":
        settings = command_settings(dev_only="demo")
        if not 6 <= args.members <= 60:
            raise SystemExit("--members must be between 6 and 60")
        runtime = build_runtime(demo.demo_settings(settings))
        made = _with_runtime(runtime, lambda r: demo.run_demo(r, members=args.members))
        text = demo.render(made, settings, base_url=args.base_url, as_json=args.json)
        out(text)
        return 0
    settings = command_settings()
    runtime = build_runtime(settings)
    if args.command in ("deadletters", "status"):
        return _operations(runtime, args)
    if args.run:
        if not args.function_id:
            raise SystemExit("cron run needs a function id (see cron --list)")
        result = _with_runtime(
            runtime, lambda r: cron.run_cron_once(r, args.function_id)
        )
        out(json.dumps(result))
        return 0 if result["outcome"] == "completed" else 1
    rows = _with_runtime(runtime, cron.list_crons)
    out(cron.render_list(rows, as_json=args.json))
    return 0


def _operations(runtime: Runtime, args: argparse.Namespace) -> int:
    try:
        if args.command == "status":
            result = _with_runtime(runtime, operator_status)
        else:
            result = _with_runtime(runtime, lambda r: deadletters.run(r, args))
    except AppError as refused:
        out(json.dumps({"code": refused.code, "detail": refused.detail}))
        return 1
    out(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
