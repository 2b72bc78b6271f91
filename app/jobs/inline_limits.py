"""What inline mode does with each thing it cannot do the way Inngest does.

Said once at startup (the `inline.mode` line) and in docs/inline-mode.md.
Built from the registry, so a new flow-control option in use shows up.
"""

from __future__ import annotations

from app.jobs.registry import WorkerRegistry

BEHAVIOUR = {
    "step_timers": "skipped: the next step runs at once",
    "retries": "each attempt awaited in the same task, short capped delays",
    "concurrency": "not enforced across processes: each caller runs its own work",
    "throttle": "not applied: work runs when dispatched",
    "debounce": "not applied: every event runs",
    "rate_limit": "not applied: every event runs",
    "cancel": "not applied: inline work has finished before a cancelling event",
    "crons": "run by the in-process scheduler (one leader process)",
}
ALWAYS = ("step_timers", "retries", "crons")


def inline_limits(registry: WorkerRegistry, *, scheduler_on: bool) -> dict[str, str]:
    """Each limitation that applies to the registered workers, with what happens."""
    used = {key for w in registry.workers for key in w.flow_control}
    if any(w.erasure_cancel() for w in registry.workers):
        used.add("cancel")
    limits = {
        key: BEHAVIOUR[key] for key in (*ALWAYS, *sorted(used)) if key in BEHAVIOUR
    }
    if not scheduler_on:
        limits["crons"] = "off (INLINE_SCHEDULER=false): run them with the cron command"
    return limits
