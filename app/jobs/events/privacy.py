"""Privacy events: a member's data was erased (GDPR Art. 17).

Erasure touches every worker category, so it has its own category rather
than borrowing one of scoring / alerts / sync / social. The event cancels the
member's in-flight runs (every member-scoped function gets a `cancel` rule on
it, app/jobs/registry.py) and triggers a sweep of what runs left behind.
"""

from __future__ import annotations

import uuid

from app.jobs.events.base import PlatformEvent


class MemberErased(PlatformEvent):
    name = "platform/privacy.member-erased"

    member_id: uuid.UUID
    erasure_id: uuid.UUID

    def dedupe_key(self) -> str:
        return str(self.erasure_id)
