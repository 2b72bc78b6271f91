"""Not part of `make bench`: where the SQLite publish p99 goes.

`python -m bench.sqlite_waits [requests] [repeats] [name]` runs the healthy SQLite
publish case with three apps: the baseline (no dispatch), "dispatch" (the
default deployment) and "dispatch-no-relay" (rows staged, relay off: nothing
claims or marks rows while requests run). Every app counts its SQLite calls,
their time and SQLite busy-handler waits (`bench/sqlite_trace.py`). Writes
bench/results/<name>.json (default sqlite-waits) and prints the ratios and
the wait counts.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench.databases import ROOT, TMP
from bench.harness import jsonable
from bench.procs import pin_client
from bench.publish import PublishConfig, run_case


def main(argv: list[str]) -> int:
    requests = int(argv[1]) if len(argv) > 1 else 100
    repeats = int(argv[2]) if len(argv) > 2 else 3
    name = argv[3] if len(argv) > 3 else "sqlite-waits"
    pin_client()
    TMP.mkdir(parents=True, exist_ok=True)
    traces = {
        name: TMP / f"sqlite-trace-{name}.json"
        for name in ("baseline", "dispatch", "dispatch-no-relay")
    }
    for path in traces.values():
        path.unlink(missing_ok=True)
    variants = {
        "dispatch": {"BENCH_SQLITE_TRACE": str(traces["dispatch"])},
        "dispatch-no-relay": {
            "BENCH_SQLITE_TRACE": str(traces["dispatch-no-relay"]),
            "OUTBOX_RELAY_IN_PROCESS": "false",
        },
    }
    os.environ["BENCH_SQLITE_TRACE"] = str(traces["baseline"])  # the baseline's
    cfg = PublishConfig(requests=requests, repeats=repeats, rate=40.0, warmup=30)
    result = run_case("sqlite", "healthy", cfg, variants)
    result["sqlite_calls"] = {
        name: json.loads(path.read_text()) if path.exists() else None
        for name, path in traces.items()
    }
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.write_text(json.dumps(jsonable(result), indent=1, sort_keys=True) + "\n")
    for name in variants:
        sys.stdout.write(
            f"{name}: p50 {result[f'ratio_p50:{name}'].text(unit='x')}, "
            f"p99 {result[f'ratio_p99:{name}'].text(unit='x')}\n"
        )
    for name, calls in result["sqlite_calls"].items():
        sys.stdout.write(f"{name}:\n")
        for key, row in (calls or {}).items():
            sys.stdout.write(f"  {key:<28} {row}\n")
    sys.stdout.write(f"wrote {Path(out)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
