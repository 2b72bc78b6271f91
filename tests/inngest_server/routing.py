"""Which functions an event starts, and which waits/cancels it satisfies.

Follows protocol doc §8.2: exact names or wildcard patterns (``prefix/*``,
``prefix.*``), a trigger ``expression`` evaluated with ``event``, one run per
function per event, and de-duplication on the event ``id`` per function.
"""

from __future__ import annotations

import dataclasses
import logging

from . import cel
from .models import EventRecord, JSONDict, RegisteredFunction

log = logging.getLogger(__name__)

INVOKED = "inngest/function.invoked"
FINISHED = "inngest/function.finished"
FAILED = "inngest/function.failed"
CANCELLED = "inngest/function.cancelled"
CRON = "inngest/scheduled.timer"
LIFECYCLE = frozenset({FINISHED, FAILED, CANCELLED})


def name_matches(pattern: str, name: str) -> bool:
    """Exact match, or ``a/*`` / ``a.*`` matching any name after that prefix."""
    if pattern == name:
        return True
    if pattern.endswith(("/*", ".*")):
        prefix = pattern[:-1]
        return name.startswith(prefix) and len(name) > len(prefix)
    return False


def safe_match(expression: str | None, env: dict[str, object], what: str) -> bool:
    """Evaluate a CEL condition; an error counts as "no match" (and is logged)."""
    try:
        return cel.matches(expression, env)
    except cel.CELError as err:
        log.warning("CEL %s %r failed: %s", what, expression, err)
        return False


def trigger_matches(fn: RegisteredFunction, event: EventRecord) -> bool:
    env: dict[str, object] = {"event": event.payload()}
    for trigger in fn.triggers:
        pattern = trigger.get("event")
        if not isinstance(pattern, str) or not name_matches(pattern, event.name):
            continue
        if safe_match(trigger.get("expression"), env, "trigger expression"):
            return True
    return False


@dataclasses.dataclass
class Deduper:
    """Event-ID and ``idempotency`` de-duplication for the server's lifetime."""

    seen: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    skipped: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def admit(self, fn: RegisteredFunction, event: EventRecord) -> bool:
        keys = [("id", event.id)]
        idem = fn.config.get("idempotency")
        if isinstance(idem, str) and idem:
            try:
                value = cel.evaluate(idem, {"event": event.payload()})
            except cel.CELError as err:
                log.warning("idempotency %r failed: %s", idem, err)
            else:
                keys.append(("idem", repr(value)))
        tagged = [(fn.id, f"{kind}:{value}") for kind, value in keys]
        if any(key in self.seen for key in tagged):
            self.skipped.append((fn.id, event.id))
            return False
        self.seen.update(tagged)
        return True


def functions_for(
    event: EventRecord, functions: list[RegisteredFunction]
) -> list[RegisteredFunction]:
    """Functions whose event triggers match (never for invoke/cron events)."""
    if event.name in (INVOKED, CRON):
        return []
    return [fn for fn in functions if trigger_matches(fn, event)]


def wait_matches(
    op_opts: JSONDict, name: str, run_event: EventRecord, new: EventRecord
) -> bool:
    """A waitForEvent pause: same event name and its ``if`` holds."""
    wanted = op_opts.get("event") or name
    if not isinstance(wanted, str) or not name_matches(wanted, new.name):
        return False
    env: dict[str, object] = {"event": run_event.payload(), "async": new.payload()}
    expr = op_opts.get("if")
    return safe_match(expr if isinstance(expr, str) else None, env, "wait if")


def cancels(fn: RegisteredFunction, run_event: EventRecord, new: EventRecord) -> bool:
    """Whether ``new`` matches one of the function's ``cancel`` rules."""
    env: dict[str, object] = {"event": run_event.payload(), "async": new.payload()}
    for rule in fn.cancel:
        pattern = rule.get("event")
        if isinstance(pattern, str) and name_matches(pattern, new.name):
            expr = rule.get("if")
            if safe_match(expr if isinstance(expr, str) else None, env, "cancel if"):
                return True
    return False
