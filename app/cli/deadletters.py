"""`python -m app.cli deadletters …` and `python -m app.cli status`.

    deadletters list                      open dead letters and dead events, grouped
    deadletters show <id>                 one dead letter (ids and codes only)
    deadletters replay <id>               one new run of its function (once)
    deadletters replay --function <fn>    every open dead letter of a function
    deadletters discard <id>              mark it handled, run nothing
    deadletters show|replay|discard --event <outbox-id>   a dead outbox event
    deadletters replay --event-name <n>   every dead outbox event of that name
    status                                outbox lag, relay, cron leader, crons

Actions are audited with `--actor` (default "cli") as the operator API
audits the admin token's subject. Output is JSON.
"""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from app.jobs.dead_letter_ops import DeadLetterOps
from app.runtime import Runtime

VERBS = ("list", "show", "replay", "discard")


def add_parser(commands: Any) -> None:
    cmd = commands.add_parser("deadletters", help="list, show, replay, discard")
    cmd.add_argument("verb", choices=VERBS)
    cmd.add_argument("id", nargs="?", help="a dead letter's id")
    cmd.add_argument("--event", help="a dead outbox event's id instead")
    cmd.add_argument("--function", help="replay: every open one of this function")
    cmd.add_argument("--event-name", help="replay: every dead event of this name")
    cmd.add_argument("--actor", default="cli", help="recorded in the audit")
    commands.add_parser("status", help="outbox lag, relay, cron leader, crons")


def _dead_letter_id(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise SystemExit("a dead letter id (UUID) is needed") from None


async def run(runtime: Runtime, args: argparse.Namespace) -> dict[str, Any]:
    ops = DeadLetterOps(runtime)
    verb, actor = args.verb, args.actor
    if verb == "list":
        return await ops.overview()
    if verb == "replay" and args.function:
        return await ops.replay_function(args.function, actor)
    if verb == "replay" and args.event_name:
        return await ops.replay_events(args.event_name, actor)
    if args.event:
        if verb == "show":
            return await ops.show_event(args.event)
        if verb == "replay":
            return await ops.replay_event(args.event, actor)
        return await ops.discard_event(args.event, actor)
    dead_letter_id = _dead_letter_id(args.id)
    if verb == "show":
        return await ops.show(dead_letter_id)
    if verb == "replay":
        return await ops.replay(dead_letter_id, actor)
    return await ops.discard(dead_letter_id, actor)
