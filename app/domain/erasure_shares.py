"""One person's part of rows shared with others, removed on their erasure.

A notification batch or a delivered digest names several actors; erasing one
of them must not delete what belongs to the others (their pending
notification, the recipient's digest). These functions say what is left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SUBJECT = re.compile(r"^\{actor\}(?: and \d+ others?)?")


@dataclass(frozen=True, slots=True)
class BatchShare:
    pending_actor_ids: list[str]
    notified_actor_ids: list[str]
    window_open: bool  # False: nothing pending any more, close the window


@dataclass(frozen=True, slots=True)
class DigestShare:
    lead_actor_id: str
    actor_ids: list[str]
    other_count: int
    text: str


def batch_without(
    pending: Sequence[str], notified: Sequence[str], actor_id: str
) -> BatchShare:
    kept = [a for a in pending if a != actor_id]
    return BatchShare(kept, sorted(a for a in notified if a != actor_id), bool(kept))


def digest_without(
    actor_ids: Sequence[str], text: str, actor_id: str
) -> DigestShare | None:
    """The digest without `actor_id`, or None when no actor is left."""
    kept = list(dict.fromkeys(a for a in actor_ids if a != actor_id))
    if not kept:
        return None
    others = len(kept) - 1
    subject = "{actor}"
    if others:
        subject += f" and {others} other{'s' if others > 1 else ''}"
    return DigestShare(kept[0], kept, others, _SUBJECT.sub(subject, text, count=1))
