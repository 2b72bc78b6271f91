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


Step = tuple[float, str, ActionKind, DecisionKind, tuple[str, ...], float | None]


class TestLikeBatchTimeline:
    """Issue 18 item 6: the batching rule over an hour of reactions to one
    workout (one recipient, verb and object; recipient in UTC, daytime)."""

    STEPS: list[Step] = [
        # (minute, actor, kind, decision, pending after, flush_at minute)
        (0, "A", DO, SEND, (), None),  # nothing sent, no batch: at once
        (5, "B", DO, ADD, ("B",), 35),  # sent 5 min ago: opens a batch, 5 + 30
        (6, "C", DO, ADD, ("B", "C"), 35),  # joins the open batch
        (7, "D", DO, ADD, ("B", "C", "D"), 35),
        (10, "B", DO, IGNORE, ("B", "C", "D"), 35),  # repeat collapses
        (12, "A", UNDO, IGNORE, ("B", "C", "D"), 35),  # already sent
        (13, "A", DO, IGNORE, ("B", "C", "D"), 35),  # toggle: never re-notified
        (15, "E", DO, ADD, ("B", "C", "D", "E"), 35),
        (16, "E", UNDO, REMOVE, ("B", "C", "D"), 35),  # undo drops pending
        (17, "owner", DO, IGNORE, ("B", "C", "D"), 35),  # own workout
        (20, "F", DO, ADD, ("B", "C", "D", "F"), 35),
    ]
    AFTER_DIGEST: list[Step] = [
        # the digest went out at 35: the next reaction is held, not pushed
        (40, "G", DO, ADD, ("G",), 70),  # opens a batch closing 40 + 30
        (45, "B", DO, IGNORE, ("G",), 70),  # notified in the digest: dropped
        (50, "H", DO, ADD, ("G", "H"), 70),
    ]

    def replay(
        self,
        steps: list[Step],
        state: nt.BatchState | None = None,
    ) -> nt.BatchState:
        for minute, actor, kind, decision, pending, flush in steps:
            result = nt.decide_notification(
                state, nt.Action(LIKES, actor, kind), at(minute)
            )
            assert (minute, result.kind) == (minute, decision)
            assert result.state.pending_actor_ids == pending
            assert result.flush_at == (None if flush is None else at(flush))
            state = result.state
        assert state is not None
        return state  # fmt: skip

    def test_the_batch_closes_30_minutes_after_it_opened(self) -> None:
        state = self.replay(self.STEPS)
        assert state.last_sent_at == at(0)
        assert nt.flush_batch(state, at(34.9)) == (None, state)  # still open
        digest, closed = nt.flush_batch(state, at(35))
        assert digest is not None
        assert digest.text == "{actor} and 3 others liked your {object}"
        assert (digest.lead_actor_id, digest.actor_ids) == ("B", ("B", "C", "D", "F"))
        assert (closed.window_closes_at, closed.pending_actor_ids) == (None, ())
        assert closed.last_sent_at == at(35)
        assert closed.notified_actor_ids == {"A", "B", "C", "D", "F"}

    def test_an_hour_of_reactions_pushes_twice_not_four_times(self) -> None:
        _, closed = nt.flush_batch(self.replay(self.STEPS), at(35))
        state = self.replay(self.AFTER_DIGEST, closed)
        assert nt.flush_batch(state, at(60))[0] is None  # 60 min: still held
        digest, closed = nt.flush_batch(state, at(70))
        assert digest is not None
        assert digest.actor_ids == ("G", "H")
        # pushes in the first hour: minute 0 and the digest at 35 (the old rule
        # pushed at 0, 30, 40 and 70-ish: the window restarted at each send)

    @pytest.mark.parametrize(
        ("minute", "decision"), [(99.9, ADD), (100, SEND)]
    )  # 30 min after the digest at 70
    def test_sent_at_once_only_30_minutes_after_the_last_send(
        self, minute: float, decision: DecisionKind
    ) -> None:
        _, closed = nt.flush_batch(self.replay(self.STEPS), at(35))
        _, closed = nt.flush_batch(self.replay(self.AFTER_DIGEST, closed), at(70))
        later = nt.decide_notification(closed, nt.Action(LIKES, "I", DO), at(minute))
        assert later.kind is decision

    @pytest.mark.parametrize(("minute", "decision"), [(29.9, ADD), (30, SEND)])
    def test_second_reaction_is_held_within_30_minutes_of_the_first(
        self, minute: float, decision: DecisionKind
    ) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0))
        second = nt.decide_notification(
            first.state, nt.Action(LIKES, "B", DO), at(minute)
        )
        assert second.kind is decision

    def test_actor_undone_before_notification_may_be_notified_once_later(self) -> None:
        _, closed = nt.flush_batch(self.replay(self.STEPS), at(35))
        back = nt.decide_notification(closed, nt.Action(LIKES, "E", DO), at(45))
        assert (back.kind, back.flush_at) == (ADD, at(75))
        digest, _ = nt.flush_batch(back.state, at(75))
        assert digest is not None
        assert digest.text == "{actor} liked your {object}"

    def test_undo_of_the_only_pending_actor_leaves_nothing_to_send(self) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0)).state
        joined = nt.decide_notification(first, nt.Action(LIKES, "B", DO), at(1)).state
        undone = nt.decide_notification(joined, nt.Action(LIKES, "B", UNDO), at(2))
        assert (undone.kind, undone.flush_at) == (REMOVE, None)
        digest, closed = nt.flush_batch(undone.state, at(31))
        assert digest is None
        assert "B" not in closed.notified_actor_ids
        assert closed.last_sent_at == at(0)  # nothing sent by the empty batch

    def test_overdue_batch_still_collects_until_flushed(self) -> None:
        first = nt.decide_notification(None, nt.Action(LIKES, "A", DO), at(0)).state
        joined = nt.decide_notification(first, nt.Action(LIKES, "B", DO), at(1)).state
        late = nt.decide_notification(joined, nt.Action(LIKES, "C", DO), at(45))
        assert (late.kind, late.flush_at) == (ADD, at(31))  # due: flush now

    def test_undo_with_no_state_is_ignored(self) -> None:
        result = nt.decide_notification(None, nt.Action(LIKES, "A", UNDO), at(0))
        assert (result.kind, result.flush_at) == (IGNORE, None)


class TestBatchingInQuietHours:
    """Quiet hours 22:00-07:00 in the recipient's zone hold every send."""

    BERLIN = nt.QuietHours("Europe/Berlin")  # UTC+2 in July: 22:00 = 20:00 UTC

    @pytest.mark.parametrize(
        ("utc", "decision", "flush_utc"),
        [((19, 59), SEND, None), ((20, 0), ADD, (5, 0))],
    )
    def test_a_reaction_at_night_waits_for_the_local_morning(
        self,
        utc: tuple[int, int],
        decision: DecisionKind,
        flush_utc: tuple[int, int] | None,
    ) -> None:
        now = T0.replace(hour=utc[0], minute=utc[1])
        result = nt.decide_notification(
            None, nt.Action(LIKES, "A", DO), now, self.BERLIN
        )
        assert result.kind is decision
        morning = datetime(2026, 7, 5, 5, 0, tzinfo=UTC)  # 07:00 in Berlin
        assert result.flush_at == (None if flush_utc is None else morning)

    def test_a_batch_closing_in_quiet_hours_is_deferred(self) -> None:
        evening = T0.replace(hour=19, minute=40)  # 21:40 in Berlin
        first = nt.decide_notification(
            None, nt.Action(LIKES, "A", DO), evening, self.BERLIN
        )
        held = nt.decide_notification(
            first.state,
            nt.Action(LIKES, "B", DO),
            evening + timedelta(minutes=5),
            self.BERLIN,
        )
        assert held.kind is ADD
        assert held.flush_at == datetime(2026, 7, 5, 5, 0, tzinfo=UTC)


class TestOtherVerbs:
    COMMENTS = nt.BatchKey("owner", Verb.COMMENT, "post-1")
    FOLLOWS = nt.BatchKey("owner", Verb.FOLLOW, "owner")

    def test_comments_batch_for_10_minutes_and_may_notify_again(self) -> None:
        first = nt.decide_notification(None, nt.Action(self.COMMENTS, "A", DO), at(0))
        assert (first.kind, first.state.last_sent_at) == (SEND, at(0))
        again = nt.decide_notification(
            first.state, nt.Action(self.COMMENTS, "A", DO), at(3)
        )
        assert (again.kind, again.flush_at) == (ADD, at(13))  # 3 + 10
        digest, closed = nt.flush_batch(again.state, at(13))
        assert digest is not None
        assert digest.text == "{actor} commented on your {object}"
        held = nt.decide_notification(
            closed, nt.Action(self.COMMENTS, "A", DO), at(22.9)
        )
        assert held.kind is ADD  # 9.9 min after the digest
        later = nt.decide_notification(
            closed, nt.Action(self.COMMENTS, "A", DO), at(23)
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
        new = nt.decide_notification(closed, nt.Action(self.FOLLOWS, "C", DO), at(2880))
        assert (new.kind, new.flush_at) == (ADD, at(2880) + timedelta(days=1))

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
