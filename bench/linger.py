"""Not part of `make bench`: how `OUTBOX_RELAY_WAKE_DELAY_MS` changes the
publish path. `python -m bench.linger [ms]` runs the healthy publish case with
the relay woken after `ms` (100 by default, the setting's default) as
"dispatch", woken at once (delay 0), and the baseline without dispatch, and
writes bench/results/linger-<ms>ms.json.
"""

from __future__ import annotations

import json
import sys

from bench.databases import BACKENDS, ROOT, postgres_reachable
from bench.harness import jsonable
from bench.procs import pin_client
from bench.publish import PublishConfig, run_case


def main(argv: list[str]) -> int:
    linger_ms = argv[1] if len(argv) > 1 else "100"
    pin_client()
    backends = [b for b in BACKENDS if b == "sqlite" or postgres_reachable() is None]
    variants = {
        "dispatch": {"OUTBOX_RELAY_WAKE_DELAY_MS": linger_ms},
        "dispatch-no-delay": {"OUTBOX_RELAY_WAKE_DELAY_MS": "0"},
    }
    cfg = PublishConfig(requests=400, repeats=5, rate=40.0)
    results = [run_case(b, "healthy", cfg, variants) for b in backends]
    out = ROOT / "bench" / "results" / f"linger-{linger_ms}ms.json"
    out.write_text(json.dumps(jsonable(results), indent=1, sort_keys=True) + "\n")
    for r in results:
        cells = [
            f"{name} p50 {r[f'ratio_p50:{name}'].text(unit='x')}, "
            f"p99 {r[f'ratio_p99:{name}'].text(unit='x')}"
            for name in variants
        ]
        sys.stdout.write(f"{r['backend']}: " + "; ".join(cells) + "\n")
    sys.stdout.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
