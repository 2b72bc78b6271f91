"""Flow-control settings shared by workers (passed to `@REGISTRY.worker`)."""

from __future__ import annotations

import inngest


def one_at_a_time_per(field: str) -> list[inngest.Concurrency]:
    """At most one run at a time per value of `event.data.<field>`."""
    return [inngest.Concurrency(limit=1, key=f"event.data.{field}")]
