"""What is left of a shared batch or digest when one actor is erased."""

from __future__ import annotations

import pytest

from app.domain.erasure_shares import (
    BatchShare,
    DigestShare,
    batch_without,
    digest_without,
)


def test_a_batch_keeps_the_other_actors_and_its_window() -> None:
    assert batch_without(["a", "b"], ["c", "a"], "a") == BatchShare(["b"], ["c"], True)


def test_a_batch_with_only_the_erased_actor_pending_closes_its_window() -> None:
    assert batch_without(["a"], ["b"], "a") == BatchShare([], ["b"], False)


@pytest.mark.parametrize(
    ("actors", "text", "expected"),
    [
        (
            ["a", "b", "c"],
            "{actor} and 2 others liked your workout",
            DigestShare("b", ["b", "c"], 1, "{actor} and 1 other liked your workout"),
        ),
        (
            ["b", "a"],
            "{actor} and 1 other started following you",
            DigestShare("b", ["b"], 0, "{actor} started following you"),
        ),
        (["a"], "{actor} liked your post", None),
    ],
)
def test_a_digest_keeps_the_other_actors(
    actors: list[str], text: str, expected: DigestShare | None
) -> None:
    assert digest_without(actors, text, "a") == expected
