"""Scoring events: work that recomputes a member's scores and records."""

from __future__ import annotations

import uuid
from typing import Literal

from app.jobs.events.base import PlatformEvent

ScoreSource = Literal["workout", "benchmark"]


class ScoreCalculationRequested(PlatformEvent):
    """A workout or benchmark was logged: record PRs and score its period.

    One event per logged item: a repeated dispatch for the same item stores
    and sends one event.
    """

    name = "platform/scoring.calculate"
    member_id: uuid.UUID
    source: ScoreSource
    source_id: uuid.UUID

    def dedupe_key(self) -> str:
        return f"{self.source}:{self.source_id}"


class MemberRescoreRequested(PlatformEvent):
    """A change to a member's plan or profile alters their score: recompute
    the score of their local today. `change_id` makes each change one event."""

    name = "platform/scoring.member-rescore-requested"
    member_id: uuid.UUID
    change_id: uuid.UUID

    def dedupe_key(self) -> str:
        return f"{self.member_id}:{self.change_id}"
