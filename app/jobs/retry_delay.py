"""How long inline mode waits before retrying a failed worker (pure).

Doubling from `BASE_S`, each wait capped at `MAX_DELAY_S`, and all the waits of
one run together at `MAX_TOTAL_S`: once that budget is spent the remaining
attempts run back to back. Without the caps, `INNGEST_RETRIES=20` meant about
14 hours of sleeping inside the process for a worker that keeps failing.
"""

from __future__ import annotations

BASE_S = 0.05
MAX_DELAY_S = 2.0
MAX_TOTAL_S = 10.0


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt` (0-based)."""
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    spent = 0.0
    delay = 0.0
    for n in range(attempt + 1):
        delay = min(BASE_S * 2.0**n if n < 64 else MAX_DELAY_S, MAX_DELAY_S)
        delay = min(delay, MAX_TOTAL_S - spent)
        spent += delay
    return max(delay, 0.0)
