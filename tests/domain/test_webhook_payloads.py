"""Parsing verified webhook bodies into notifications (domain-methods §6)."""

from datetime import UTC, date, datetime

import pytest

from app.domain import webhook_payloads as wp
from app.domain.errors import DomainInputError
from app.domain.webhook_payloads import NotificationKind

GARMIN_HOSTS = ("apis.garmin.com",)


class TestOura:
    BODY = (
        b'{"event_type":"update","data_type":"sleep","object_id":"s-1",'
        b'"event_time":"2026-07-04T07:20:00+00:00","user_id":"u-1"}'
    )

    def test_ids_and_dedupe_parts(self) -> None:
        [note] = wp.parse_oura(self.BODY).notifications
        assert (note.external_user_id, note.data_type, note.object_id) == (
            "u-1",
            "sleep",
            "s-1",
        )
        assert note.kind is NotificationKind.DATA
        assert note.dedupe_parts == (
            "sleep",
            "s-1",
            "update",
            "2026-07-04T07:20:00+00:00",
            "u-1",
        )
        assert len(note.dedupe_key) == 64

    def test_delete_and_a_later_update_are_new_deliveries(self) -> None:
        first = wp.parse_oura(self.BODY).notifications[0]
        deleted = wp.parse_oura(self.BODY.replace(b"update", b"delete"))
        later = wp.parse_oura(self.BODY.replace(b"07:20", b"07:25"))
        assert deleted.notifications[0].kind is NotificationKind.DELETE
        keys = {first.dedupe_key}
        keys |= {n.dedupe_key for n in (*deleted.notifications, *later.notifications)}
        assert len(keys) == 3


class TestWhoop:
    def test_type_splits_into_data_type_and_action(self) -> None:
        body = b'{"user_id":10129,"id":"abc","type":"sleep.deleted","trace_id":"t"}'
        [note] = wp.parse_whoop(body, "1783152000000").notifications
        assert (note.data_type, note.kind, note.object_id) == (
            "sleep",
            NotificationKind.DELETE,
            "abc",
        )
        assert note.dedupe_parts == ("sleep.deleted", "abc", "1783152000000", "10129")

    @pytest.mark.parametrize("kind", ["recovery", "recovery.created", ".updated"])
    def test_unknown_type_is_refused(self, kind: str) -> None:
        body = f'{{"user_id":1,"id":"a","type":"{kind}"}}'.encode()
        with pytest.raises(DomainInputError):
            wp.parse_whoop(body, "1")


class TestStrava:
    BASE = (
        b'{"aspect_type":"create","event_time":1549560669,"object_id":1360128428,'
        b'"object_type":"activity","owner_id":134815,"subscription_id":120475,'
        b'"updates":{}}'
    )

    def test_activity_create(self) -> None:
        [note] = wp.parse_strava(self.BASE).notifications
        assert (note.external_user_id, note.object_id, note.kind) == (
            "134815",
            "1360128428",
            NotificationKind.DATA,
        )
        assert note.dedupe_parts == (
            "120475",
            "activity",
            "1360128428",
            "create",
            "1549560669",
        )

    def test_deauthorisation(self) -> None:
        body = (
            b'{"aspect_type":"update","event_time":1,"object_id":134815,'
            b'"object_type":"athlete","owner_id":134815,"subscription_id":120475,'
            b'"updates":{"authorized":"false"}}'
        )
        [note] = wp.parse_strava(body).notifications
        assert note.kind is NotificationKind.DEAUTHORIZE

    def test_athlete_profile_update_is_not_a_notification(self) -> None:
        body = self.BASE.replace(b'"activity"', b'"athlete"')
        assert wp.parse_strava(body) == wp.ParsedBody((), rejected=1)


class TestGoogleHealth:
    AT = datetime(2026, 7, 4, 12, 2, tzinfo=UTC)

    def test_list_of_notifications_with_days(self) -> None:
        body = (
            b'[{"userId":"g","dataType":"sleep","date":"2026-07-04"},'
            b'{"userId":"g","dataType":"hrv","date":"2026-07-03"}]'
        )
        notes = wp.parse_google_health(body, self.AT).notifications
        assert [(n.data_type, n.day) for n in notes] == [
            ("sleep", date(2026, 7, 4)),
            ("hrv", date(2026, 7, 3)),
        ]

    def test_repeats_coalesce_within_five_minutes(self) -> None:
        body = b'{"userId":"g","dataType":"sleep","date":"2026-07-04"}'
        keys = [
            wp.parse_google_health(body, at).notifications[0].dedupe_key
            for at in (self.AT, self.AT.replace(minute=4), self.AT.replace(minute=6))
        ]
        assert keys[0] == keys[1] != keys[2]


class TestGarmin:
    URL = (
        "https://apis.garmin.com/wellness-api/rest/sleeps"
        "?uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2"
    )

    def ping(self, url: str) -> bytes:
        item = (
            '{"userId":"gu","userAccessToken":"secret","uploadStartTimeInSeconds":1,'
            f'"uploadEndTimeInSeconds":2,"callbackURL":"{url}"}}'
        )
        return f'{{"sleeps":[{item}],"dailies":[]}}'.encode()

    def test_allowed_callback_is_kept_token_is_not(self) -> None:
        parsed = wp.parse_garmin_ping(self.ping(self.URL), GARMIN_HOSTS)
        [note] = parsed.notifications
        assert (note.data_type, note.fetch_url, parsed.rejected) == (
            "sleeps",
            self.URL,
            0,
        )
        assert "secret" not in repr(note)
        assert note.dedupe_parts == ("sleeps", "gu", "1", "2")

    @pytest.mark.parametrize(
        "url",
        [
            "http://apis.garmin.com/x",
            "https://apis.garmin.com.evil.example/x",
            "https://user@apis.garmin.com/x",
            "https://10.0.0.1/x",
            "https://apis.garmin.com:8443/x",
        ],
    )
    def test_callbacks_off_the_allow_list_are_refused(self, url: str) -> None:
        parsed = wp.parse_garmin_ping(self.ping(url), GARMIN_HOSTS)
        assert (parsed.notifications, parsed.rejected) == ((), 1)


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"event_type": null}', b'{"user_id": true}', b"{}"],
)
def test_malformed_bodies_raise_without_echoing(body: bytes) -> None:
    with pytest.raises(DomainInputError) as caught:
        wp.parse_oura(body)
    assert str(caught.value) == "body must be a JSON notification of the provider"
