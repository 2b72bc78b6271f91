"""SQLite fan-out to 10,000 followers, 3 repeats: `python -m bench.fanout_gate_check`.

Run it twice, with and without `SQLITE_WRITER_GATE=false`, to see what the
writer gate costs the write-heaviest worker (docs/benchmarks.md, "Latest results").
"""

from __future__ import annotations

import os
import sys

from bench.procs import pin_client
from bench.scale import fanout


def main() -> int:
    pin_client()
    result = fanout("sqlite", (10_000,), 3)
    seconds = result["cases"][0]["seconds"]
    gate = os.environ.get("SQLITE_WRITER_GATE", "true (default)")
    sys.stdout.write(f"SQLITE_WRITER_GATE={gate}: {seconds}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
