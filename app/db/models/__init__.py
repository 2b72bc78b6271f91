"""ORM models. Every model module must be imported here so that Alembic and
`Base.metadata` see all tables."""

from app.db.models.alert import Alert, AlertKind, AlertStatus, Notification
from app.db.models.benchmark import Benchmark
from app.db.models.check_in import CheckIn
from app.db.models.cron_run import CronOutcome, CronRun
from app.db.models.dead_letter import DeadLetter
from app.db.models.erasure import ErasedMember
from app.db.models.gym import Gym, Member, MembershipPause
from app.db.models.idempotency_key import IdempotencyKey
from app.db.models.operations import (
    ActionOutcome,
    OperatorAction,
    OperatorHeartbeat,
)
from app.db.models.outbox import OutboxEvent, OutboxStatus
from app.db.models.score import PersonalRecord, Score
from app.db.models.seen_signature import SeenSignature
from app.db.models.social import Comment, Follow, Post, Reaction, TimelineEntry
from app.db.models.social_notification import (
    AppliedInteraction,
    NotificationBatch,
    ReactionRateLimit,
    SocialNotification,
)
from app.db.models.wearable import (
    ConnectionStatus,
    ReadinessScore,
    WearableConnection,
    WearableReading,
    WebhookDelivery,
)
from app.db.models.workout import Workout, WorkoutSet

__all__ = [
    "ActionOutcome",
    "Alert",
    "AlertKind",
    "AlertStatus",
    "AppliedInteraction",
    "Benchmark",
    "CheckIn",
    "Comment",
    "ConnectionStatus",
    "CronOutcome",
    "CronRun",
    "DeadLetter",
    "ErasedMember",
    "Follow",
    "Gym",
    "IdempotencyKey",
    "Member",
    "MembershipPause",
    "Notification",
    "NotificationBatch",
    "OperatorAction",
    "OperatorHeartbeat",
    "OutboxEvent",
    "OutboxStatus",
    "PersonalRecord",
    "Post",
    "Reaction",
    "ReactionRateLimit",
    "ReadinessScore",
    "Score",
    "SeenSignature",
    "SocialNotification",
    "TimelineEntry",
    "WearableConnection",
    "WearableReading",
    "WebhookDelivery",
    "Workout",
    "WorkoutSet",
]
