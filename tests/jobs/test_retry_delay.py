"""Inline retry waits: doubling, each capped, all of a run's waits capped."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.jobs.retry_delay import BASE_S, MAX_DELAY_S, MAX_TOTAL_S, retry_delay


def test_the_first_waits_double_from_the_base() -> None:
    assert [retry_delay(n) for n in range(4)] == [
        BASE_S,
        BASE_S * 2,
        BASE_S * 4,
        BASE_S * 8,
    ]


def test_twenty_retries_wait_the_total_cap_and_no_more() -> None:
    # INNGEST_RETRIES allows 20: uncapped that was 0.05 * (2**20 - 1) s, ~14.6 h.
    waits = [retry_delay(n) for n in range(20)]
    assert sum(waits) == pytest.approx(MAX_TOTAL_S)
    assert max(waits) == MAX_DELAY_S
    assert waits[-1] == 0.0


@given(attempts=st.integers(min_value=1, max_value=200))
@example(attempts=1)
@example(attempts=21)
def test_no_wait_exceeds_its_cap_and_all_stay_within_the_total(attempts: int) -> None:
    waits = [retry_delay(n) for n in range(attempts)]
    assert all(0.0 <= w <= MAX_DELAY_S for w in waits)
    assert sum(waits) <= MAX_TOTAL_S + 1e-9


def test_a_negative_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt"):
        retry_delay(-1)
