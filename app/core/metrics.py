"""Every Prometheus metric the service exports (prometheus-client).

Defined once, at import, in the client's default registry; with several
uvicorn workers set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, before
the process starts) and the exposition (app/core/metrics_http.py) merges the
workers' files. docs/operations.md describes each metric and its alerts.

Labels carry only bounded values: route templates (never a raw path),
registered function ids, status codes and fixed outcome words. Never a
member, gym, event or health value: tests/core/test_metrics_privacy.py
checks the exposition against canaries.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PREFIX = "gymjobs"
# Request and job latencies: 5 ms to 30 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
RUN_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900)
UNMATCHED_ROUTE = "unmatched"
UNKNOWN_FUNCTION = "unknown"
NO_FUNCTION = "none"

# --- HTTP API (not /api/inngest: see inngest_calls) --------------------------
http_requests = Counter(
    f"{PREFIX}_http_requests",
    "API requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
http_request_duration = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "API request latency, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)

# --- /api/inngest ------------------------------------------------------------
INNGEST_OUTCOMES = ("ok", "retry", "failed", "refused")
inngest_calls = Counter(
    f"{PREFIX}_inngest_calls",
    "Calls of /api/inngest by function and outcome (ok, retry, failed, refused).",
    ["function", "outcome"],
)
inngest_refusals = Counter(
    f"{PREFIX}_inngest_refusals",
    "Calls of /api/inngest refused before the SDK ran, by reason.",
    ["reason"],
)

# --- Outbox relay -------------------------------------------------------------
outbox_pending = Gauge(
    f"{PREFIX}_outbox_pending",
    "Outbox events waiting to be sent (refreshed by the relay).",
    multiprocess_mode="mostrecent",
)
outbox_oldest_pending_age = Gauge(
    f"{PREFIX}_outbox_oldest_pending_age_seconds",
    "Age of the oldest pending outbox event when the relay last looked.",
    multiprocess_mode="mostrecent",
)
outbox_events = Counter(
    f"{PREFIX}_outbox_events",
    "Outbox events by send outcome (sent, failed, dead).",
    ["outcome"],
)
outbox_send_duration = Histogram(
    f"{PREFIX}_outbox_send_duration_seconds",
    "Duration of one send to the Inngest event API (one batch), by result.",
    ["result"],
    buckets=LATENCY_BUCKETS,
)
relay_last_cycle = Gauge(
    f"{PREFIX}_relay_last_cycle_timestamp_seconds",
    "Unix time of the relay's last cycle that did not fail.",
    multiprocess_mode="max",
)
relay_last_sent = Gauge(
    f"{PREFIX}_relay_last_sent_timestamp_seconds",
    "Unix time of the relay's last successful send.",
    multiprocess_mode="max",
)

# --- Inline runs, dead letters, crons -----------------------------------------
inline_runs = Counter(
    f"{PREFIX}_inline_runs",
    "Inline-mode runs by function and outcome (completed, failed).",
    ["function", "outcome"],
)
inline_run_duration = Histogram(
    f"{PREFIX}_inline_run_duration_seconds",
    "Inline-mode run duration (all attempts), by function.",
    ["function"],
    buckets=RUN_BUCKETS,
)
dead_letters = Counter(
    f"{PREFIX}_dead_letters",
    "Dead letters recorded (runs that failed for good), by function and mode.",
    ["function", "mode"],
)
cron_last_success = Gauge(
    f"{PREFIX}_cron_last_success_timestamp_seconds",
    "Unix time of each cron function's last completed run.",
    ["function"],
    multiprocess_mode="max",
)
cron_interval = Gauge(
    f"{PREFIX}_cron_interval_seconds",
    "The longest gap between two ticks of each cron function's schedule.",
    ["function"],
    multiprocess_mode="max",
)

# --- Database -----------------------------------------------------------------
db_pool_in_use = Gauge(
    f"{PREFIX}_db_pool_connections_in_use",
    "Database connections checked out of the pool, by engine (app, relay).",
    ["engine"],
    multiprocess_mode="livesum",
)


def exported_names() -> set[str]:
    """Every sample name the service can export (for the rules/dashboard test)."""
    names: set[str] = set()
    for metric in (
        http_requests,
        http_request_duration,
        inngest_calls,
        inngest_refusals,
        outbox_pending,
        outbox_oldest_pending_age,
        outbox_events,
        outbox_send_duration,
        relay_last_cycle,
        relay_last_sent,
        inline_runs,
        inline_run_duration,
        dead_letters,
        cron_last_success,
        cron_interval,
        db_pool_in_use,
    ):
        for family in metric.collect():
            base = family.name
            if family.type == "counter":
                names.add(f"{base}_total")
            elif family.type == "histogram":
                names.update(f"{base}_{s}" for s in ("bucket", "count", "sum"))
            else:
                names.add(base)
    return names
