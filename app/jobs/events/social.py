"""Social events: IDs only. Interactions carry the member to notify."""

from __future__ import annotations

import uuid
from typing import ClassVar

from app.domain.notifications import ActionKind, Verb
from app.jobs.events.base import PlatformEvent


class PostCreated(PlatformEvent):
    name = "platform/social.post-created"
    resource_field = "post_id"

    post_id: uuid.UUID
    author_id: uuid.UUID

    def dedupe_key(self) -> str | None:
        return str(self.post_id)


class InteractionEvent(PlatformEvent):
    """An actor did (or undid) something the recipient may be notified about.

    `interaction_id` is the row (reaction, comment, follow) it is about;
    `object_id` is the post, or the recipient for a follow.
    """

    resource_field = "recipient_id"
    verb: ClassVar[Verb]
    action: ClassVar[ActionKind] = ActionKind.DO

    interaction_id: uuid.UUID
    actor_id: uuid.UUID
    recipient_id: uuid.UUID
    object_id: uuid.UUID

    def dedupe_key(self) -> str | None:
        return f"{self.interaction_id}:{self.action.value}"


class ReactionAdded(InteractionEvent):
    name = "platform/social.reaction-added"
    verb = Verb.LIKE


class ReactionRemoved(InteractionEvent):
    name = "platform/social.reaction-removed"
    verb = Verb.LIKE
    action = ActionKind.UNDO


class CommentAdded(InteractionEvent):
    name = "platform/social.comment-added"
    verb = Verb.COMMENT


class MemberFollowed(InteractionEvent):
    name = "platform/social.member-followed"
    verb = Verb.FOLLOW


class MemberUnfollowed(InteractionEvent):
    name = "platform/social.member-unfollowed"
    verb = Verb.FOLLOW
    action = ActionKind.UNDO


INTERACTION_EVENTS: tuple[type[InteractionEvent], ...] = (
    ReactionAdded,
    ReactionRemoved,
    CommentAdded,
    MemberFollowed,
    MemberUnfollowed,
)
