"""The garbage collector in a long-running server process.

Everything built at startup (modules, classes, functions, the app, its
routes and the SDK's function table: ~150,000 objects here) lives as long as
the process. Left in the collector's oldest generation, each full collection
walks all of it again, on the request path of whichever call triggered it.
`gc.freeze()` moves it to the permanent generation once startup is over (the
pattern CPython documents for servers); garbage made later is collected as
before, and only that is scanned.

The youngest generation is collected every 700 allocations by default: on an
Inngest no-op call (~150 container allocations) that is a collection every
few calls, each scanning the objects of the calls then in flight. Every 5,000
(`GC_YOUNG_THRESHOLD`) it is a seventh as many collections for about the same
objects scanned each time: measured over HTTP, 52 → 33 µs of GC per no-op
call and ~25 µs less CPU per call (docs/benchmarks.md). Past ~10,000 each
collection scans more and the gain goes again. Garbage in reference cycles
lives a little longer; nothing else changes.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect once, then freeze what is left; returns how many objects."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def set_young_threshold(threshold: int) -> int:
    """Collect the youngest generation every `threshold` allocations (the
    older generations' thresholds are left as they are); returns it."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
    return gc.get_threshold()[0]
