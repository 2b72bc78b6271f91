"""Feed fan-out, timeline cap, read-time merge and cursors (domain-methods §5.1)."""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.domain import cursor as cur
from app.domain import social_feed as sf
from app.domain.errors import DomainInputError
from app.domain.social_feed import ActivitySource, FanoutMode, FeedActivity

T0 = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)


def activity(
    n: int, author: str = "a-1", source: ActivitySource = ActivitySource.APP
) -> FeedActivity:
    """Activity ``act-NNN`` created ``n`` minutes after T0."""
    return FeedActivity(f"act-{n:03d}", author, T0 + timedelta(minutes=n), source)


class TestFanoutMode:
    @pytest.mark.parametrize(
        ("followers", "source", "mode"),
        [
            (0, ActivitySource.APP, FanoutMode.PUSH),
            (120, ActivitySource.APP, FanoutMode.PUSH),
            (5_000, ActivitySource.APP, FanoutMode.PUSH),
            (5_001, ActivitySource.APP, FanoutMode.PULL),
            (250_000, ActivitySource.WEARABLE, FanoutMode.PULL),
            (10, ActivitySource.STRAVA, FanoutMode.PRIVATE),
            (9_999, ActivitySource.STRAVA, FanoutMode.PRIVATE),
        ],
    )
    def test_choose_fanout_mode(
        self, followers: int, source: ActivitySource, mode: FanoutMode
    ) -> None:
        assert sf.choose_fanout_mode(activity(1, source=source), followers) is mode

    def test_negative_follower_count_raises(self) -> None:
        with pytest.raises(DomainInputError):
            sf.choose_fanout_mode(activity(1), -1)


class TestChunking:
    @pytest.mark.parametrize(
        ("count", "size", "lengths"),
        [
            (0, 1000, []),
            (1, 1000, [1]),
            (1000, 1000, [1000]),
            (1001, 1000, [1000, 1]),
            (2500, 1000, [1000, 1000, 500]),
            (5, 2, [2, 2, 1]),
        ],
    )
    def test_chunk_sizes(self, count: int, size: int, lengths: list[int]) -> None:
        chunks = sf.chunk_ids([f"m-{i}" for i in range(count)], size)
        assert [len(c) for c in chunks] == lengths

    def test_duplicates_are_dropped_order_kept(self) -> None:
        assert sf.chunk_ids(["b", "a", "b", "c"], 2) == (("b", "a"), ("c",))

    @pytest.mark.parametrize("size", [0, -1])
    def test_bad_chunk_size_raises(self, size: int) -> None:
        with pytest.raises(DomainInputError):
            sf.chunk_ids(["a"], size)


class TestPlanFanout:
    def test_push_writes_author_then_followers_in_chunks(self) -> None:
        followers = [f"f-{i}" for i in range(2500)]
        plan = sf.plan_fanout(activity(1), followers)
        assert plan.mode is FanoutMode.PUSH
        assert [len(c) for c in plan.chunks] == [1000, 1000, 501]
        assert plan.chunks[0][0] == "a-1"
        assert sum(len(c) for c in plan.chunks) == 2501

    def test_author_in_follower_list_is_written_once(self) -> None:
        plan = sf.plan_fanout(activity(1), ["f-1", "a-1", "f-1"])
        assert plan.chunks == (("a-1", "f-1"),)

    def test_pull_author_only_writes_own_timeline(self) -> None:
        followers = [f"f-{i}" for i in range(5_001)]
        plan = sf.plan_fanout(activity(1), followers)
        assert plan == sf.FanoutPlan(FanoutMode.PULL, (("a-1",),))

    def test_strava_activity_is_never_fanned_out(self) -> None:
        plan = sf.plan_fanout(activity(1, source=ActivitySource.STRAVA), ["f-1", "f-2"])
        assert plan == sf.FanoutPlan(FanoutMode.PRIVATE, (("a-1",),))


class TestTrimTimeline:
    def test_cap_500_keeps_the_newest(self) -> None:
        entries = [activity(n) for n in range(503)]
        trim = sf.trim_timeline(reversed(entries))
        assert len(trim.kept) == 500
        assert trim.kept[0].activity_id == "act-502"
        assert [e.activity_id for e in trim.dropped] == [
            "act-002",
            "act-001",
            "act-000",
        ]

    def test_under_the_cap_nothing_is_dropped(self) -> None:
        trim = sf.trim_timeline([activity(1), activity(2)])
        assert ([e.activity_id for e in trim.kept], trim.dropped) == (
            ["act-002", "act-001"],
            (),
        )

    def test_same_instant_breaks_ties_by_id(self) -> None:
        a = FeedActivity("a", "x", T0)
        b = FeedActivity("b", "x", T0)
        assert sf.trim_timeline([a, b], cap=1) == sf.TimelineTrim((b,), (a,))

    def test_duplicate_activity_counts_once(self) -> None:
        trim = sf.trim_timeline([activity(1), activity(1)], cap=1)
        assert (len(trim.kept), trim.dropped) == (1, ())

    def test_bad_cap_raises(self) -> None:
        with pytest.raises(DomainInputError):
            sf.trim_timeline([], cap=0)

    def test_naive_created_at_raises(self) -> None:
        with pytest.raises(DomainInputError):
            sf.trim_timeline([FeedActivity("a", "x", datetime(2026, 7, 4))])


class TestVisibility:
    @pytest.mark.parametrize(
        ("item", "viewer", "blocked", "visible"),
        [
            (activity(1, "a-1"), "v-1", (), True),
            (activity(1, "a-1", ActivitySource.STRAVA), "v-1", (), False),
            (activity(1, "a-1", ActivitySource.STRAVA), "a-1", (), True),
            (activity(1, "a-1"), "v-1", ("a-1",), False),
            (activity(1, "a-1"), "a-1", ("a-1",), True),
            (activity(1, "a-1", ActivitySource.WEARABLE), "v-1", (), True),
        ],
    )
    def test_is_visible_to(
        self, item: FeedActivity, viewer: str, blocked: tuple[str, ...], visible: bool
    ) -> None:
        assert sf.is_visible_to(item, viewer, blocked) is visible


class TestMergeFeed:
    def test_merges_pushed_and_pulled_newest_first_without_duplicates(self) -> None:
        pushed = [activity(1), activity(3), activity(5)]
        pulled = [activity(4, "brand"), activity(2, "brand"), activity(5)]
        page = sf.merge_feed(pushed, pulled, "v-1")
        assert [i.activity_id for i in page.items] == [
            "act-005",
            "act-004",
            "act-003",
            "act-002",
            "act-001",
        ]
        assert page.next_cursor is None

    def test_rechecks_visibility_and_blocks_at_read_time(self) -> None:
        pushed = [
            activity(1, "a-1", ActivitySource.STRAVA),
            activity(2, "blocked"),
            activity(3),
        ]
        own = activity(4, "v-1", ActivitySource.STRAVA)
        page = sf.merge_feed(pushed, [own], "v-1", blocked_ids={"blocked"})
        assert [i.activity_id for i in page.items] == ["act-004", "act-003"]

    def test_pages_with_cursor_until_exhausted(self) -> None:
        items = [activity(n) for n in range(7)]
        seen: list[str] = []
        cursor = None
        for _ in range(4):
            page = sf.merge_feed(items, [], "v-1", cursor=cursor, limit=3)
            seen.extend(i.activity_id for i in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == [f"act-{n:03d}" for n in range(6, -1, -1)]

    def test_exact_page_has_no_next_cursor(self) -> None:
        page = sf.merge_feed([activity(n) for n in range(3)], [], "v-1", limit=3)
        assert page.next_cursor is None

    def test_cursor_splits_items_sharing_an_instant(self) -> None:
        items = [FeedActivity(i, "a", T0) for i in ("a", "b", "c")]
        first = sf.merge_feed(items, [], "v", limit=2)
        second = sf.merge_feed(items, [], "v", cursor=first.next_cursor, limit=2)
        assert [i.activity_id for i in first.items + second.items] == ["c", "b", "a"]

    @pytest.mark.parametrize("limit", [0, 101])
    def test_bad_limit_raises(self, limit: int) -> None:
        with pytest.raises(DomainInputError):
            sf.merge_feed([], [], "v", limit=limit)

    def test_bad_cursor_raises(self) -> None:
        with pytest.raises(DomainInputError):
            sf.merge_feed([], [], "v", cursor="not-a-cursor")


class TestCursor:
    def test_round_trip(self) -> None:
        position = cur.Cursor(T0 + timedelta(microseconds=7), "act-1")
        token = cur.encode_cursor(position)
        assert cur.decode_cursor(token) == position
        assert "=" not in token
        assert "+" not in token
        assert "/" not in token

    def test_encoding_is_stable_across_offsets(self) -> None:
        berlin = T0.astimezone(timezone(timedelta(hours=2)))
        assert cur.encode_cursor(cur.Cursor(berlin, "x")) == cur.encode_cursor(
            cur.Cursor(T0, "x")
        )
        assert (
            cur.decode_cursor(
                cur.encode_cursor(cur.Cursor(berlin, "x"))
            ).created_at.tzinfo
            is UTC
        )

    @staticmethod
    def _token(payload: object) -> str:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @pytest.mark.parametrize(
        "token",
        [
            "",
            "%%%",
            "abc=",
            "a",
            "A" * 600,
            base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="),
            "bm90IGpzb24",  # "not json"
            "WzFd",  # [1]
        ],
    )
    def test_malformed_tokens_raise(self, token: str) -> None:
        with pytest.raises(DomainInputError) as info:
            cur.decode_cursor(token)
        assert str(info.value) == "cursor is not a valid page cursor"

    @pytest.mark.parametrize(
        "payload",
        [
            {"i": "x"},
            {"t": "2026-07-04T12:00:00.000000+00:00"},
            {"i": "x", "t": "2026-07-04T12:00:00.000000"},  # naive
            {"i": "x", "t": "yesterday"},
            {"i": 5, "t": "2026-07-04T12:00:00.000000+00:00"},
            {"i": ["x"], "t": "2026-07-04T12:00:00.000000+00:00"},
            {"i": "", "t": "2026-07-04T12:00:00.000000+00:00"},
            {"i": "x" * 129, "t": "2026-07-04T12:00:00.000000+00:00"},
            {"i": "x", "t": "2026-07-04T12:00:00.000000+00:00", "extra": 1},
            {"i": "x", "t": "2026-07-04T14:00:00.000000+02:00"},  # not canonical
        ],
    )
    def test_invalid_payloads_raise(self, payload: object) -> None:
        with pytest.raises(DomainInputError):
            cur.decode_cursor(self._token(payload))

    def test_canonical_payload_decodes(self) -> None:
        token = self._token({"i": "x", "t": "2026-07-04T12:00:00.000000+00:00"})
        assert cur.decode_cursor(token) == cur.Cursor(T0, "x")

    def test_naive_or_empty_position_cannot_be_encoded(self) -> None:
        with pytest.raises(DomainInputError):
            cur.encode_cursor(cur.Cursor(datetime(2026, 7, 4), "x"))
        with pytest.raises(DomainInputError):
            cur.encode_cursor(cur.Cursor(T0, ""))
