"""The small benchmark harness: percentiles, repeat summaries, ratios, growth.

No timing library: `time.perf_counter` for wall time, `resource` for RSS and
`tracemalloc` where a Python heap peak is wanted. Every figure the issue asks
for is a ratio (or a time) measured side by side in one run and repeated;
each repeat gives one value and the summary keeps min / median / max.
"""

from __future__ import annotations

import dataclasses
import math
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (0..100) of `values` (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct} is outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclasses.dataclass(frozen=True)
class Summary:
    """min / median / max of one figure over the repeats of a run."""

    min: float
    median: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("summary of no values")
        return cls(min(values), statistics.median(values), max(values), len(values))

    def as_json(self, digits: int = 4) -> dict[str, float | int]:
        return {
            "min": round(self.min, digits),
            "median": round(self.median, digits),
            "max": round(self.max, digits),
            "n": self.n,
        }

    def text(self, fmt: str = "{:.2f}", unit: str = "") -> str:
        """`median [min-max]unit`, the form used in the Markdown table."""
        mid, lo, hi = (fmt.format(v) for v in (self.median, self.min, self.max))
        return f"{mid}{unit} [{lo}-{hi}]"


def latency_stats(samples_s: Sequence[float]) -> dict[str, float]:
    """p50 / p99 / mean / max of request latencies, in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms),
        "max_ms": max(ms),
        "count": len(ms),
    }


def ratio(value: float, baseline: float) -> float:
    if baseline <= 0:
        raise ValueError("ratio to a non-positive baseline")
    return value / baseline


def growth_exponent(n1: float, t1: float, n2: float, t2: float) -> float:
    """k in t ∝ N^k between two sizes (1.0 = linear, 0 = flat)."""
    if min(n1, n2, t1, t2) <= 0 or n1 == n2:
        raise ValueError("growth needs two distinct positive sizes and times")
    return math.log(t2 / t1) / math.log(n2 / n1)


@dataclasses.dataclass
class Stopwatch:
    elapsed: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    started = time.perf_counter()
    try:
        yield watch
    finally:
        watch.elapsed = time.perf_counter() - started


def max_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(met: bool | None) -> str:
    if met is None:
        return "n/a"
    return "yes" if met else "**no**"


def jsonable(value: Any) -> Any:
    """Dataclasses (Summary) and nested containers as plain JSON values."""
    if isinstance(value, Summary):
        return value.as_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value
