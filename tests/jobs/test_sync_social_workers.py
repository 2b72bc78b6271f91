"""Sync and social workers: registration, flow control and event contracts."""

from __future__ import annotations

import datetime as dt
import typing
import uuid

import inngest
import pytest

from app.domain.notifications import Verb
from app.domain.wearables import Provider
from app.jobs.events import load_catalog
from app.jobs.events import social as social_events
from app.jobs.events import sync as sync_events
from app.jobs.events.base import PlatformEvent
from app.jobs.registry import load_workers

MY_EVENTS: list[type[PlatformEvent]] = [
    sync_events.WearableDataReceived,
    sync_events.ReadingsSynced,
    social_events.PostCreated,
    *social_events.INTERACTION_EVENTS,
]
ID_ONLY_TYPES = {uuid.UUID, dt.date, int, Provider, type(None)}


def test_every_event_has_a_consumer_and_is_in_the_catalog() -> None:
    registry, catalog = load_workers(), load_catalog()
    for event in MY_EVENTS:
        assert catalog[event.name] is event
        assert registry.consumers(event.name), event.name


@pytest.mark.parametrize("event", MY_EVENTS, ids=lambda e: e.name)
def test_payloads_carry_ids_days_codes_and_counts_only(
    event: type[PlatformEvent],
) -> None:
    for name, field in event.model_fields.items():
        annotation = field.annotation
        args = typing.get_args(annotation)
        if _is_literal(annotation):
            continue  # a fixed code
        kinds = set(args) or {annotation}  # a union's members, or the type
        assert kinds <= ID_ONLY_TYPES, f"{event.name}.{name} is {annotation}"


def _is_literal(annotation: object) -> bool:
    return repr(typing.get_origin(annotation)) == repr(typing.Literal)


def test_flow_control_of_the_workers() -> None:
    workers = {w.fn_id: w for w in load_workers().workers}
    sync = workers["sync-wearable-data"]
    assert (sync.event, sync.retries) == (sync_events.WearableDataReceived, 6)
    [one_per_member] = sync.flow_control["concurrency"]
    assert (one_per_member.limit, one_per_member.key) == (1, "event.data.member_id")
    throttle = sync.flow_control["throttle"]
    assert isinstance(throttle, inngest.Throttle)
    assert throttle.key == "event.data.provider"
    assert workers["sync-compute-readiness"].event is sync_events.ReadingsSynced
    assert workers["sync-backfill-silent-connections"].cron == "17 * * * *"
    assert workers["social-fan-out-post"].event is social_events.PostCreated
    assert workers["social-flush-notification-batches"].cron == "* * * * *"
    for event in social_events.INTERACTION_EVENTS:
        notify = workers[f"social-notify-{event.name.rsplit('.', 1)[1]}"]
        assert notify.event is event
        [per_recipient] = notify.flow_control["concurrency"]
        assert per_recipient.key == "event.data.recipient_id"


def test_interaction_events_name_their_verb_and_dedupe_per_row() -> None:
    row, actor, owner, post = (uuid.uuid4() for _ in range(4))
    added = social_events.ReactionAdded(
        interaction_id=row, actor_id=actor, recipient_id=owner, object_id=post
    )
    removed = social_events.ReactionRemoved(
        interaction_id=row, actor_id=actor, recipient_id=owner, object_id=post
    )
    assert (added.verb, removed.verb) == (Verb.LIKE, Verb.LIKE)
    assert added.dedupe_key() != removed.dedupe_key()
    assert added.resource_id() == str(owner)


def test_sync_event_dedupe_keys() -> None:
    member, connection, delivery = (uuid.uuid4() for _ in range(3))
    common = {
        "member_id": member,
        "connection_id": connection,
        "provider": Provider.OURA,
    }
    webhook = sync_events.WearableDataReceived(
        **common, reason="webhook", delivery_id=delivery
    )
    backfill = sync_events.WearableDataReceived(
        **common, reason="backfill", requested_on=dt.date(2026, 7, 4)
    )
    connected = sync_events.WearableDataReceived(**common, reason="connected")
    assert webhook.dedupe_key() == f"delivery:{delivery}"
    assert backfill.dedupe_key() == f"backfill:{connection}:2026-07-04"
    assert connected.dedupe_key() is None  # every (re)connect syncs
