"""Notification batching, digests, quiet hours and reaction limits (§5.2, §5.3)."""

from datetime import UTC, datetime, time, timedelta

import pytest

from app.domain import notifications as nt
from app.domain.errors import DomainInputError
from app.domain.notifications import ActionKind, DecisionKind, Verb

T0 = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)
LIKES = nt.BatchKey("owner", Verb.LIKE, "workout-1")
DO, UNDO = ActionKind.DO, ActionKind.UNDO
SEND, ADD = DecisionKind.SEND_NOW, DecisionKind.ADD_TO_BATCH
REMOVE, IGNORE = DecisionKind.REMOVE_FROM_BATCH, DecisionKind.IGNORE


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class TestLikeBatchTimeline:
    """The §5.2/§5.3 timeline for one recipient and (verb, object)."""

    STEPS = [
        # (minute, actor, kind, decision, pending after, flush_at minute)
        (0, "A", DO, SEND, (), None),  # first one goes out at once
        (5, "B", DO, ADD, ("B",), 30),  # later ones collect for 30 min
        (6, "C", DO, ADD, ("B", "C"), 30),
        (7, "D", DO, ADD, ("B", "C", "D"), 30),
        (8, "E", DO, ADD, ("B", "C", "D", "E"), 30),
        (9, "F", DO, ADD, ("B", "C", "D", "E", "F"), 30),
        (10, "B", DO, IGNORE, ("B", "C", "D", "E", "F"), 30),  # repeat collapses
        (12, "A", UNDO, IGNORE, ("B", "C", "D", "E", "F"), 30),  # already sent
        (13, "A", DO, IGNORE, ("B", "C", "D", "E", "F"), 30),  # toggle: no re-notify
        (15, "E", UNDO, REMOVE, ("B", "C", "D", "F"), 30),  # undo drops pending
        (16, "G", DO, ADD, ("B", "C", "D", "F", "G"), 30),
        (17, "owner", DO, IGNORE, ("B", "C", "D", "F", "G"), 30),  # own workout
    ]

    def run_steps(self) -> nt.BatchState:
        state: nt.BatchState | None = None
        for minute, actor, kind, decision, pending, flush in self.STEPS:
            result = nt.decide_notification(
                state, nt.Action(LIKES, actor, kind), at(minute)
            )
            assert (minute, result.kind) == (minute, decision)
            assert result.state.pending_actor_ids == pending
            assert result.flush_at == (None if flush is None else at(flush))
            state = result.state
        assert state is not None
        return state

    def test_first_at_once_rest_batched_into_one_digest(self) -> None:
        state = self.run_steps()
        assert nt.flush_batch(state, at(29.9)) == (None, state)  # window still open
        digest, closed = nt.flush_batch(state, at(30))
        assert digest is not None
        assert digest.text == "{actor} and 4 others liked your {object}"
        assert (digest.lead_actor_id, digest.other_count) == ("B", 4)
        assert digest.actor_ids == ("B", "C", "D", "F", "G")
        assert closed.pending_actor_ids == ()
        assert closed.window_closes_at is None
        assert closed.notified_actor_ids == {"A", "B", "C", "D", "F", "G"}

    def test_after_the_window_the_next_like_is_immediate_again(self) -> None:
        _, closed = nt.flush_batch(self.run_steps(), at(30))
        later = nt.decide_notification(closed, nt.Action(LIKES, "H", DO), at(31))
        assert later.kind is SEND
        assert later.state.window_closes_at == at(61)
        for actor in ("B", "A", "G"):  # notified actors toggling stay silent
            again = nt.decide_notification(
                later.state, nt.Action(LIKES, actor, DO), at(40)
            )
            assert again.kind is IGNORE

    def test_actor_undone_before_notification_may_be_notified_once_later(self) -> None:
        _, closed = nt.flush_batch(self.run_steps(), at(30))
        opened = nt.decide_notification(closed, nt.Action(LIKES, "H", DO), at(31)).state
        back = nt.decide_notification(opened, nt.Action(LIKES, "E", DO), at(45))
        assert (back.kind, back.flush_at) == (ADD, at(61))
        digest, _ = nt.flush_batch(back.state, at(61))
        assert digest is not None
        assert digest.text == "{actor} liked your {object}"

    def test_undo_of_the_only_pending_actor_leaves_nothing_to_send(self) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0)).state
        joined = nt.decide_notification(first, nt.Action(LIKES, "B", DO), at(1)).state
        undone = nt.decide_notification(joined, nt.Action(LIKES, "B", UNDO), at(2))
        assert (undone.kind, undone.flush_at) == (REMOVE, None)
        digest, closed = nt.flush_batch(undone.state, at(30))
        assert digest is None
        assert "B" not in closed.notified_actor_ids

    def test_overdue_batch_still_collects_until_flushed(self) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0)).state
        joined = nt.decide_notification(first, nt.Action(LIKES, "B", DO), at(1)).state
        late = nt.decide_notification(joined, nt.Action(LIKES, "C", DO), at(45))
        assert (late.kind, late.flush_at) == (ADD, at(30))  # due: flush now

    def test_expired_window_without_pending_reopens(self) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0)).state
        assert (
            nt.decide_notification(first, nt.Action(LIKES, "B", DO), at(30)).kind
            is SEND
        )

    def test_undo_with_no_state_is_ignored(self) -> None:
        result = nt.decide_notification(None, nt.Action(LIKES, "A", UNDO), at(0))
        assert (result.kind, result.flush_at) == (IGNORE, None)


class TestOtherVerbs:
    COMMENTS = nt.BatchKey("owner", Verb.COMMENT, "post-1")
    FOLLOWS = nt.BatchKey("owner", Verb.FOLLOW, "owner")

    def test_comments_batch_for_10_minutes_and_may_notify_again(self) -> None:
        first = nt.decide_notification(None, nt.Action(self.COMMENTS, "A", DO), at(0))
        assert (first.kind, first.state.window_closes_at) == (SEND, at(10))
        again = nt.decide_notification(
            first.state, nt.Action(self.COMMENTS, "A", DO), at(3)
        )
        assert (again.kind, again.flush_at) == (ADD, at(10))
        digest, closed = nt.flush_batch(again.state, at(10))
        assert digest is not None
        assert digest.text == "{actor} commented on your {object}"
        later = nt.decide_notification(
            closed, nt.Action(self.COMMENTS, "A", DO), at(20)
        )
        assert later.kind is SEND

    def test_follows_go_to_a_daily_digest(self) -> None:
        first = nt.decide_notification(None, nt.Action(self.FOLLOWS, "A", DO), at(0))
        assert (first.kind, first.flush_at) == (ADD, T0 + timedelta(days=1))
        second = nt.decide_notification(
            first.state, nt.Action(self.FOLLOWS, "B", DO), at(60)
        )
        digest, closed = nt.flush_batch(second.state, T0 + timedelta(days=1))
        assert digest is not None
        assert digest.text == "{actor} and 1 other started following you"
        refollow = nt.decide_notification(
            closed, nt.Action(self.FOLLOWS, "A", DO), at(2000)
        )
        assert refollow.kind is IGNORE

    def test_unfollow_before_the_digest_drops_it(self) -> None:
        first = nt.decide_notification(None, nt.Action(self.FOLLOWS, "A", DO), at(0))
        undone = nt.decide_notification(
            first.state, nt.Action(self.FOLLOWS, "A", UNDO), at(5)
        )
        assert undone.kind is REMOVE
        assert nt.flush_batch(undone.state, T0 + timedelta(days=1))[0] is None


class TestDigestText:
    @pytest.mark.parametrize(
        ("verb", "actors", "text", "others"),
        [
            (Verb.LIKE, ("B",), "{actor} liked your {object}", 0),
            (Verb.LIKE, ("B", "C"), "{actor} and 1 other liked your {object}", 1),
            (
                Verb.LIKE,
                ("B", "C", "D", "E", "F"),
                "{actor} and 4 others liked your {object}",
                4,
            ),
            (Verb.LIKE, ("B", "C", "B"), "{actor} and 1 other liked your {object}", 1),
            (
                Verb.COMMENT,
                ("B", "C", "D"),
                "{actor} and 2 others commented on your {object}",
                2,
            ),
            (Verb.FOLLOW, ("B",), "{actor} started following you", 0),
        ],
    )
    def test_render_digest(
        self, verb: Verb, actors: tuple[str, ...], text: str, others: int
    ) -> None:
        digest = nt.render_digest(nt.BatchKey("r", verb, "o"), actors)
        assert (digest.text, digest.other_count, digest.lead_actor_id) == (
            text,
            others,
            "B",
        )

    def test_caller_fills_display_name_and_noun(self) -> None:
        digest = nt.render_digest(LIKES, ("B", "C", "D", "E", "F"))
        rendered = digest.text.format(actor="Bea", object="workout")
        assert rendered == "Bea and 4 others liked your workout"

    def test_empty_batch_raises(self) -> None:
        with pytest.raises(DomainInputError):
            nt.render_digest(LIKES, ())


class TestBadInput:
    def test_state_of_another_batch_raises(self) -> None:
        other = nt.BatchState(nt.BatchKey("owner", Verb.LIKE, "workout-2"))
        with pytest.raises(DomainInputError):
            nt.decide_notification(other, nt.Action(LIKES, "A"), T0)

    def test_naive_now_raises(self) -> None:
        with pytest.raises(DomainInputError):
            nt.decide_notification(None, nt.Action(LIKES, "A"), datetime(2026, 7, 4))
        with pytest.raises(DomainInputError):
            nt.flush_batch(nt.BatchState(LIKES), datetime(2026, 7, 4))


class TestQuietHours:
    @pytest.mark.parametrize(
        ("send_at", "expected"),
        [
            # Berlin is UTC+2 in July
            (
                datetime(2026, 7, 4, 10, 0, tzinfo=UTC),
                datetime(2026, 7, 4, 10, 0, tzinfo=UTC),
            ),
            (
                datetime(2026, 7, 4, 21, 30, tzinfo=UTC),
                datetime(2026, 7, 5, 5, 0, tzinfo=UTC),
            ),
            (
                datetime(2026, 7, 4, 1, 0, tzinfo=UTC),
                datetime(2026, 7, 4, 5, 0, tzinfo=UTC),
            ),
            (
                datetime(2026, 7, 4, 20, 0, tzinfo=UTC),
                datetime(2026, 7, 5, 5, 0, tzinfo=UTC),
            ),
            (
                datetime(2026, 7, 4, 19, 59, tzinfo=UTC),
                datetime(2026, 7, 4, 19, 59, tzinfo=UTC),
            ),
            (
                datetime(2026, 7, 4, 5, 0, tzinfo=UTC),
                datetime(2026, 7, 4, 5, 0, tzinfo=UTC),
            ),
            # DST night: 01:30 CET → 07:00 CEST
            (
                datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
                datetime(2026, 3, 29, 5, 0, tzinfo=UTC),
            ),
        ],
    )
    def test_defer_until_local_morning(
        self, send_at: datetime, expected: datetime
    ) -> None:
        assert nt.defer_for_quiet_hours(send_at, "Europe/Berlin") == expected

    def test_window_that_does_not_wrap_midnight(self) -> None:
        send_at = datetime(2026, 7, 4, 13, 30, tzinfo=UTC)
        deferred = nt.defer_for_quiet_hours(send_at, "UTC", time(13), time(14))
        assert deferred == datetime(2026, 7, 4, 14, 0, tzinfo=UTC)

    def test_unknown_zone_raises(self) -> None:
        with pytest.raises(DomainInputError):
            nt.defer_for_quiet_hours(T0, "Nowhere/Land")


class TestReactionRateLimit:
    def test_burst_of_30_then_one_per_second(self) -> None:
        state = None
        for _ in range(30):
            decision = nt.check_reaction_rate(state, nt.DEFAULT_REACTION_LIMIT, T0)
            assert decision.allowed
            state = decision.state
        refused = nt.check_reaction_rate(state, nt.DEFAULT_REACTION_LIMIT, T0)
        assert (refused.allowed, refused.retry_after) == (False, timedelta(seconds=1))
        later = T0 + timedelta(seconds=1)
        assert nt.check_reaction_rate(
            refused.state, nt.DEFAULT_REACTION_LIMIT, later
        ).allowed

    def test_600_per_hour(self) -> None:
        state, allowed = None, 0
        for second in range(3600):
            now = T0 + timedelta(seconds=second)
            decision = nt.check_reaction_rate(state, nt.DEFAULT_REACTION_LIMIT, now)
            allowed += decision.allowed
            state = decision.state
        # 600 tokens up front + 1 per 6 s refill over the hour, capped by the minute bucket
        assert 600 < allowed <= 600 + 600
        assert allowed == pytest.approx(600 + 3600 / 6, abs=2)

    def test_hourly_bucket_sets_retry_after(self) -> None:
        state = nt.RateState(minute_tokens=30.0, hour_tokens=0.5, updated_at=T0)
        decision = nt.check_reaction_rate(state, nt.DEFAULT_REACTION_LIMIT, T0)
        assert (decision.allowed, decision.retry_after) == (False, timedelta(seconds=3))
        assert decision.state.hour_tokens == 0.5  # refusals consume nothing

    def test_clock_going_backwards_adds_no_tokens(self) -> None:
        state = nt.RateState(minute_tokens=0.0, hour_tokens=100.0, updated_at=T0)
        earlier = T0 - timedelta(minutes=5)
        assert not nt.check_reaction_rate(
            state, nt.DEFAULT_REACTION_LIMIT, earlier
        ).allowed

    @pytest.mark.parametrize(
        ("age", "limit"),
        [
            (timedelta(days=1), nt.NEW_ACCOUNT_REACTION_LIMIT),
            (timedelta(days=6, hours=23), nt.NEW_ACCOUNT_REACTION_LIMIT),
            (timedelta(days=7), nt.DEFAULT_REACTION_LIMIT),
            (timedelta(days=400), nt.DEFAULT_REACTION_LIMIT),
        ],
    )
    def test_stricter_for_accounts_under_7_days(
        self, age: timedelta, limit: nt.RateLimit
    ) -> None:
        assert nt.choose_reaction_limit(T0 - age, T0) == limit

    def test_new_account_burst_is_smaller(self) -> None:
        state = None
        results = []
        for _ in range(11):
            decision = nt.check_reaction_rate(state, nt.NEW_ACCOUNT_REACTION_LIMIT, T0)
            results.append(decision.allowed)
            state = decision.state
        assert results == [True] * 10 + [False]

    @pytest.mark.parametrize(
        "limit",
        [nt.RateLimit(0, 60, 600), nt.RateLimit(30, 0, 600), nt.RateLimit(30, 60, 0)],
    )
    def test_bad_limit_raises(self, limit: nt.RateLimit) -> None:
        with pytest.raises(DomainInputError):
            nt.check_reaction_rate(None, limit, T0)
