"""`python -m bench [--quick] [--only publish,endpoint,scale] [--backends ...]`

Runs the benchmarks side by side, writes bench/results/<mode>.json (raw, every
repeat) and bench/results/<mode>.md (the summary table), and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
import time
from typing import Any

from bench import endpoint, publish, report, scale
from bench.apps import bench_registry
from bench.databases import BACKENDS, ROOT, postgres_reachable
from bench.harness import jsonable
from bench.procs import pin_client

RESULTS = ROOT / "bench" / "results"
SECTIONS = ("publish", "endpoint", "scale")

MODES: dict[str, dict[str, Any]] = {
    "quick": {
        "publish": publish.PublishConfig(requests=100, repeats=3, rate=40.0, warmup=30),
        "endpoint": endpoint.EndpointConfig(
            noop_calls=2_000, worker_runs=40, repeats=3
        ),
        "scale": scale.ScaleConfig(
            fanout_sizes=(1_000, 3_000),
            churn_sizes=(2_000, 10_000),
            rescore_years=(1, 5),
            repeats=5,
            churn_repeats=2,
        ),
    },
    "full": {
        "publish": publish.PublishConfig(requests=400, repeats=5, rate=40.0),
        "endpoint": endpoint.EndpointConfig(
            noop_calls=6_000, worker_runs=120, repeats=5
        ),
        "scale": scale.ScaleConfig(
            fanout_sizes=(1_000, 10_000),
            churn_sizes=(10_000, 100_000),
            rescore_years=(1, 2, 5),
            repeats=10,
            churn_repeats=3,
            profile=True,
        ),
    },
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller N and fewer repeats (minutes)"
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections (default: all of {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated: sqlite,postgresql (PostgreSQL is skipped if down)",
    )
    parser.add_argument(
        "--out", default=None, help="results name (default: the mode, quick or full)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    mode = "quick" if args.quick else "full"
    config = MODES[mode]
    sections = [s for s in args.only.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        sys.stderr.write(f"unknown sections: {', '.join(sorted(unknown))}\n")
        return 2
    backends = [b for b in args.backends.split(",") if b]
    skipped: list[str] = []
    if "postgresql" in backends:
        why = postgres_reachable()
        if why is not None:
            backends.remove("postgresql")
            skipped.append(why)
    pin_client()
    started = time.perf_counter()
    results: dict[str, Any] = {}
    if "publish" in sections:
        _say("publish path")
        results["publish"] = publish.run_publish(backends, config["publish"])
    if "endpoint" in sections:
        _say("/api/inngest")
        registered = [w.fn_id for w in bench_registry().workers]
        results["endpoint"] = {
            backend: endpoint.run_endpoint(
                backend, config["endpoint"], registered, noop=index == 0
            )
            for index, backend in enumerate(backends)
        }
    if "scale" in sections:
        _say("scale")
        results["scale"] = scale.run_scale(backends, config["scale"])
    results["meta"] = {
        "mode": mode,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(
            ["python -m bench", shlex.join(sys.argv[1:] if argv is None else argv)]
        ).strip(),
        "seconds": time.perf_counter() - started,
        "machine": report.machine(),
        "backends": backends,
        "skipped": "; ".join(skipped) or None,
        "config": {name: jsonable(value) for name, value in config.items()},
    }
    name = args.out or mode
    RESULTS.mkdir(parents=True, exist_ok=True)
    table = report.markdown(results)
    (RESULTS / f"{name}.json").write_text(
        json.dumps(jsonable(results), indent=1, sort_keys=True) + "\n"
    )
    (RESULTS / f"{name}.md").write_text(table)
    sys.stdout.write(table)
    sys.stdout.write(f"\nwrote {RESULTS / name}.json and .md\n")
    return 0


def _say(what: str) -> None:
    sys.stderr.write(f"[bench] {dt.datetime.now():%H:%M:%S} {what}\n")


if __name__ == "__main__":
    raise SystemExit(main())
