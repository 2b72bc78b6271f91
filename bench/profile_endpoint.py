"""Where a no-op `/api/inngest` call spends its time: full app vs bare SDK.

`python -m bench.profile_endpoint [calls]` serves both apps as the benchmark
does (uvicorn, own process) with cProfile on (`BENCH_PROFILE`), sends the
same signed no-op calls, and writes the top functions of each server to
bench/results/profile-endpoint.txt. Diagnostic only; not part of `make bench`.
"""

from __future__ import annotations

import asyncio
import io
import pstats
import sys

from bench.apps import BARE_APP_ID, NOOP_FN_ID
from bench.databases import ROOT, TMP, fresh_database
from bench.endpoint import APP_ID, Target, full_env, noop_rate
from bench.procs import Server, pin_client
from tests.inngest_server import signing

OUT = ROOT / "bench" / "results" / "profile-endpoint.txt"


def _report(name: str, path: str, per_s: float) -> str:
    text = io.StringIO()
    text.write(f"\n== {name}: {per_s:.0f} no-op calls/s while profiled\n")
    stats = pstats.Stats(path, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    return text.getvalue()


def main(argv: list[str]) -> int:
    calls = int(argv[1]) if len(argv) > 1 else 3000
    pin_client()
    key = signing.new_signing_key("bench")
    TMP.mkdir(parents=True, exist_ok=True)
    profiles = {"full": str(TMP / "full.prof"), "bare": str(TMP / "bare.prof")}
    with fresh_database("sqlite", "profile") as db:
        env = full_env(db, key, "http://127.0.0.1:9", "http://127.0.0.1:9")
        full = Server(
            "profile-full",
            "bench.apps:full_app",
            {**env, "BENCH_PROFILE": profiles["full"]},
        )
        bare = Server(
            "profile-bare",
            "bench.apps:bare_app",
            {"INNGEST_SIGNING_KEY": key, "BENCH_PROFILE": profiles["bare"]},
            ready_path="/api/inngest",
            ready_any_status=True,
        )
        rates: dict[str, float] = {}
        with full, bare:
            for name, target in (
                ("full", Target(full, APP_ID, NOOP_FN_ID, key)),
                ("bare", Target(bare, BARE_APP_ID, NOOP_FN_ID, key)),
            ):
                rates[name] = asyncio.run(noop_rate(target, calls, 4))
    report = _report("full app", profiles["full"], rates["full"])
    report += _report("bare SDK", profiles["bare"], rates["bare"])
    OUT.write_text(report)
    sys.stdout.write(f"wrote {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
