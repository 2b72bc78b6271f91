"""Provider webhook verification (domain-methods §6, §6.7) with exact byte strings."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import webhook_signatures as ws
from app.domain.errors import DomainInputError

NOW = datetime(2026, 7, 4, 8, 0, 0, tzinfo=UTC)  # = unix 1783152000
OURA_SECRET = "oura-secret"
OURA_TS = "1783152000"
OURA_BODY = (
    b'{"event_type":"update","data_type":"sleep","object_id":"abc-123",'
    b'"event_time":"2026-07-04T08:00:00+00:00","user_id":"u-1"}'
)
# HEX(UPPER) HMAC-SHA256(b"oura-secret", b"1783152000" + OURA_BODY)
OURA_SIG = "FF689E81C90D99D808A8F2C363CC1FB473F2DA8BA54097BF68A2235B9719819D"
WHOOP_SECRET = "whoop-secret"
WHOOP_TS = "1783152000000"
WHOOP_BODY = (
    b'{"user_id":10129,"id":"ecfc6a15-4661-442f-a9a4-f160dd7afae8",'
    b'"type":"recovery.updated","trace_id":"t-1"}'
)
# base64 HMAC-SHA256(b"whoop-secret", b"1783152000000" + WHOOP_BODY)
WHOOP_SIG = "T3lcY7/9LsLrSUeLw4X2giVEweVtiTxa1OHqGEEaG38="
FITBIT_SECRET = "fitbit-secret"
FITBIT_BODY = (
    b'[{"collectionType":"sleep","date":"2026-07-04","ownerId":"ABC123",'
    b'"ownerType":"user","subscriptionId":"1"}]'
)
# base64 HMAC-SHA1(b"fitbit-secret&", FITBIT_BODY)
FITBIT_SIG = "ReF0lol2Wp0uER1NrFyu3EkntIo="
OK = ws.SignatureOutcome.VALID


def oura_headers(ts: str = OURA_TS, sig: str = OURA_SIG) -> dict[str, str]:
    return {"x-oura-signature": sig, "x-oura-timestamp": ts}


def whoop_headers(ts: str = WHOOP_TS, sig: str = WHOOP_SIG) -> dict[str, str]:
    return {"X-WHOOP-Signature": sig, "X-WHOOP-Signature-Timestamp": ts}


def sign_oura(ts: str, body: bytes, secret: str = OURA_SECRET) -> str:
    mac = hmac.new(secret.encode(), ts.encode() + body, hashlib.sha256)
    return mac.hexdigest().upper()


def sign_whoop(ts: str, body: bytes, secret: str = WHOOP_SECRET) -> str:
    mac = hmac.new(secret.encode(), ts.encode() + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class TestGoldenBytes:
    def test_golden_signatures_match_the_documented_byte_strings(self) -> None:
        assert sign_oura(OURA_TS, OURA_BODY) == OURA_SIG
        assert sign_whoop(WHOOP_TS, WHOOP_BODY) == WHOOP_SIG
        fitbit = hmac.new(b"fitbit-secret&", FITBIT_BODY, hashlib.sha1).digest()
        assert base64.b64encode(fitbit).decode() == FITBIT_SIG


class TestOura:
    @pytest.mark.parametrize(
        ("secret", "headers", "body", "now", "expected"),
        [
            (OURA_SECRET, oura_headers(), OURA_BODY, NOW, OK),
            (OURA_SECRET, oura_headers(sig=OURA_SIG.lower()), OURA_BODY, NOW, OK),
            (OURA_SECRET, oura_headers(), OURA_BODY + b" ", NOW, "bad_signature"),
            (
                OURA_SECRET,
                oura_headers(),
                OURA_BODY.replace(b"u-1", b"u-2"),
                NOW,
                "bad_signature",
            ),
            ("wrong-secret", oura_headers(), OURA_BODY, NOW, "bad_signature"),
            (
                OURA_SECRET,
                oura_headers(ts="1783152001"),
                OURA_BODY,
                NOW,
                "bad_signature",
            ),
            (
                OURA_SECRET,
                {"x-oura-timestamp": OURA_TS},
                OURA_BODY,
                NOW,
                "missing_header",
            ),
            (
                OURA_SECRET,
                {"x-oura-signature": OURA_SIG},
                OURA_BODY,
                NOW,
                "missing_header",
            ),
            (OURA_SECRET, oura_headers(sig=""), OURA_BODY, NOW, "missing_header"),
            (
                OURA_SECRET,
                oura_headers(ts="17831520.0"),
                OURA_BODY,
                NOW,
                "malformed_header",
            ),
            (
                OURA_SECRET,
                oura_headers(ts="-1783152000"),
                OURA_BODY,
                NOW,
                "malformed_header",
            ),
            (OURA_SECRET, oura_headers(sig="ÄÖÜ"), OURA_BODY, NOW, "bad_signature"),
        ],
    )
    def test_verification_outcome(
        self,
        secret: str,
        headers: dict[str, str],
        body: bytes,
        now: datetime,
        expected: str,
    ) -> None:
        check = ws.verify_oura_signature(secret, headers, body, now)
        assert check.outcome == expected

    @pytest.mark.parametrize(
        ("offset_s", "expected"),
        [
            (-300, OK),
            (300, OK),
            (-301, "stale_timestamp"),
            (301, "future_timestamp"),
            (-86_400, "stale_timestamp"),
        ],
    )
    def test_timestamp_window_is_300_seconds_each_way(
        self, offset_s: int, expected: str
    ) -> None:
        ts = str(int(OURA_TS) + offset_s)
        headers = oura_headers(ts=ts, sig=sign_oura(ts, OURA_BODY))
        check = ws.verify_oura_signature(OURA_SECRET, headers, OURA_BODY, NOW)
        assert check.outcome == expected
        assert check.signed_at == NOW + timedelta(seconds=offset_s)

    def test_valid_check_reports_the_signed_instant(self) -> None:
        check = ws.verify_oura_signature(OURA_SECRET, oura_headers(), OURA_BODY, NOW)
        assert check.is_valid
        assert check.signed_at == NOW

    def test_header_names_are_case_insensitive(self) -> None:
        headers = {"X-Oura-Signature": OURA_SIG, "X-OURA-TIMESTAMP": OURA_TS}
        assert ws.verify_oura_signature(OURA_SECRET, headers, OURA_BODY, NOW).is_valid

    def test_re_serialised_json_is_not_accepted(self) -> None:
        reserialised = json.dumps(json.loads(OURA_BODY)).encode()  # ", " separators
        check = ws.verify_oura_signature(OURA_SECRET, oura_headers(), reserialised, NOW)
        assert check.outcome == "bad_signature"

    def test_custom_tolerance(self) -> None:
        later = NOW + timedelta(seconds=100)
        check = ws.verify_oura_signature(
            OURA_SECRET,
            oura_headers(),
            OURA_BODY,
            later,
            tolerance=timedelta(seconds=60),
        )
        assert check.outcome == "stale_timestamp"


class TestWhoop:
    @pytest.mark.parametrize(
        ("secret", "headers", "body", "expected"),
        [
            (WHOOP_SECRET, whoop_headers(), WHOOP_BODY, OK),
            (WHOOP_SECRET, whoop_headers(), WHOOP_BODY[:-1], "bad_signature"),
            ("other", whoop_headers(), WHOOP_BODY, "bad_signature"),
            (
                WHOOP_SECRET,
                whoop_headers(sig=WHOOP_SIG.rstrip("=")),
                WHOOP_BODY,
                "bad_signature",
            ),
            (WHOOP_SECRET, whoop_headers(ts=OURA_TS), WHOOP_BODY, "bad_signature"),
            (
                WHOOP_SECRET,
                {"X-WHOOP-Signature": WHOOP_SIG},
                WHOOP_BODY,
                "missing_header",
            ),
            (
                WHOOP_SECRET,
                {"X-WHOOP-Signature-Timestamp": WHOOP_TS},
                WHOOP_BODY,
                "missing_header",
            ),
            (WHOOP_SECRET, whoop_headers(ts="abc"), WHOOP_BODY, "malformed_header"),
        ],
    )
    def test_verification_outcome(
        self, secret: str, headers: dict[str, str], body: bytes, expected: str
    ) -> None:
        assert ws.verify_whoop_signature(secret, headers, body, NOW).outcome == expected

    @pytest.mark.parametrize(
        ("offset_ms", "expected"),
        [
            (-300_000, OK),
            (300_000, OK),
            (-300_001, "stale_timestamp"),
            (300_001, "future_timestamp"),
        ],
    )
    def test_timestamp_is_in_milliseconds(self, offset_ms: int, expected: str) -> None:
        ts = str(int(WHOOP_TS) + offset_ms)
        headers = whoop_headers(ts=ts, sig=sign_whoop(ts, WHOOP_BODY))
        check = ws.verify_whoop_signature(WHOOP_SECRET, headers, WHOOP_BODY, NOW)
        assert check.outcome == expected

    def test_hex_signature_is_rejected(self) -> None:
        mac = hmac.new(
            WHOOP_SECRET.encode(), WHOOP_TS.encode() + WHOOP_BODY, hashlib.sha256
        )
        headers = whoop_headers(sig=mac.hexdigest())
        assert (
            ws.verify_whoop_signature(WHOOP_SECRET, headers, WHOOP_BODY, NOW).outcome
            == "bad_signature"
        )


class TestFitbit:
    @pytest.mark.parametrize(
        ("secret", "headers", "body", "expected"),
        [
            (FITBIT_SECRET, {"X-Fitbit-Signature": FITBIT_SIG}, FITBIT_BODY, OK),
            (FITBIT_SECRET, {"x-fitbit-signature": FITBIT_SIG}, FITBIT_BODY, OK),
            (
                FITBIT_SECRET,
                {"X-Fitbit-Signature": FITBIT_SIG},
                FITBIT_BODY + b"\n",
                "bad_signature",
            ),
            ("other", {"X-Fitbit-Signature": FITBIT_SIG}, FITBIT_BODY, "bad_signature"),
            (FITBIT_SECRET, {}, FITBIT_BODY, "missing_header"),
        ],
    )
    def test_verification_outcome(
        self, secret: str, headers: dict[str, str], body: bytes, expected: str
    ) -> None:
        assert ws.verify_fitbit_signature(secret, headers, body).outcome == expected

    def test_key_without_ampersand_does_not_verify(self) -> None:
        mac = hmac.new(FITBIT_SECRET.encode(), FITBIT_BODY, hashlib.sha1).digest()
        headers = {"X-Fitbit-Signature": base64.b64encode(mac).decode()}
        assert not ws.verify_fitbit_signature(
            FITBIT_SECRET, headers, FITBIT_BODY
        ).is_valid

    @pytest.mark.parametrize(
        ("query", "status"),
        [
            ({"verify": "code-1"}, 204),
            ({"verify": "code-2"}, 404),
            ({}, 404),
            ({"verify": ""}, 404),
        ],
    )
    def test_subscriber_verification(self, query: dict[str, str], status: int) -> None:
        reply = ws.answer_fitbit_verification("code-1", query)
        assert reply == ws.HandshakeReply(status)


class TestGoogleHealth:
    AUTH = "Bearer configured-value"

    @pytest.mark.parametrize(
        ("headers", "expected"),
        [
            ({"Authorization": AUTH}, OK),
            ({"authorization": AUTH}, OK),
            ({"Authorization": "Bearer other"}, "bad_signature"),
            ({}, "missing_header"),
        ],
    )
    def test_notification_authorization(
        self, headers: dict[str, str], expected: str
    ) -> None:
        check = ws.verify_google_health_authorization(self.AUTH, headers)
        assert check.outcome == expected

    @pytest.mark.parametrize(
        ("headers", "status"),
        [
            ({"Authorization": AUTH}, 201),
            ({}, 401),
            ({"Authorization": "Bearer x"}, 403),
        ],
    )
    def test_verification_posts(self, headers: dict[str, str], status: int) -> None:
        assert (
            ws.answer_google_health_verification(self.AUTH, headers).status_code
            == status
        )

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            (b'{"type":"verification"}', True),
            (b'{"type": "verification"}', True),
            (b'{"type":"notification"}', False),
            (b'["verification"]', False),
            (b"not json", False),
            (b"\xff\xfe", False),
        ],
    )
    def test_verification_body_detection(self, body: bytes, expected: bool) -> None:
        assert ws.is_google_health_verification(body) is expected


class TestHandshakes:
    @pytest.mark.parametrize(
        ("query", "status", "body"),
        [
            (
                {
                    "hub.mode": "subscribe",
                    "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3",
                    "hub.verify_token": "STRAVA",
                },
                200,
                b'{"hub.challenge":"15f7d1a91c1f40f8a748fd134752feb3"}',
            ),
            (
                {
                    "hub.mode": "subscribe",
                    "hub.challenge": "x",
                    "hub.verify_token": "WRONG",
                },
                403,
                b"",
            ),
            (
                {
                    "hub.mode": "unsubscribe",
                    "hub.challenge": "x",
                    "hub.verify_token": "STRAVA",
                },
                400,
                b"",
            ),
            ({"hub.mode": "subscribe", "hub.verify_token": "STRAVA"}, 400, b""),
            ({"hub.mode": "subscribe", "hub.challenge": "x"}, 400, b""),
        ],
    )
    def test_strava_challenge_echo(
        self, query: dict[str, str], status: int, body: bytes
    ) -> None:
        assert ws.answer_strava_challenge("STRAVA", query) == ws.HandshakeReply(
            status, body
        )

    @pytest.mark.parametrize(
        ("query", "status", "body"),
        [
            (
                {"verification_token": "tok", "challenge": "ch-1"},
                200,
                b'{"challenge":"ch-1"}',
            ),
            ({"verification_token": "bad", "challenge": "ch-1"}, 401, b""),
            ({"verification_token": "tok"}, 400, b""),
            ({"challenge": "ch-1"}, 400, b""),
        ],
    )
    def test_oura_verification_echo(
        self, query: dict[str, str], status: int, body: bytes
    ) -> None:
        assert ws.answer_oura_verification("tok", query) == ws.HandshakeReply(
            status, body
        )

    def test_challenge_is_json_escaped(self) -> None:
        query = {"verification_token": "tok", "challenge": 'a"b'}
        reply = ws.answer_oura_verification("tok", query)
        assert json.loads(reply.body) == {"challenge": 'a"b'}


class TestGarmin:
    HOSTS = frozenset({"apis.garmin.com"})

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            (
                "https://apis.garmin.com/wellness-api/rest/dailies?uploadStartTimeInSeconds=1&token=x",
                True,
            ),
            ("https://APIS.garmin.com/wellness-api/rest/sleeps", True),
            ("https://apis.garmin.com:443/wellness-api/rest/sleeps", True),
            ("http://apis.garmin.com/wellness-api/rest/dailies", False),
            ("https://evil.example/wellness-api", False),
            ("https://apis.garmin.com.evil.example/x", False),
            ("https://evilapis.garmin.com/x", False),
            ("https://user:pw@apis.garmin.com/x", False),
            ("https://apis.garmin.com@evil.example/x", False),
            ("https://apis.garmin.com\\@evil.example/x", False),
            ("https://apis.garmin.com:8443/x", False),
            ("https://apis.garmin.com:0/x", False),
            ("https://apis.garmin.com:99999/x", False),
            ("https://apis.garmin.com:abc/x", False),
            ("https://1.2.3.4/x", False),
            ("https://[::1]/x", False),
            ("https://2130706433/x", False),
            ("https://apis.garmin.com./x", False),
            ("https://apis.garmin.com/x y", False),
            ("https://apis.garmin.com/x\n", False),
            ("ftp://apis.garmin.com/x", False),
            ("//apis.garmin.com/x", False),
            ("https:///x", False),
            ("https://[bad/x", False),
            ("", False),
        ],
    )
    def test_callback_url_allow_list(self, url: str, allowed: bool) -> None:
        assert ws.is_allowed_callback_url(url, self.HOSTS) is allowed

    def test_ip_literal_is_refused_even_when_allow_listed(self) -> None:
        assert not ws.is_allowed_callback_url("https://1.2.3.4/x", {"1.2.3.4"})

    @pytest.mark.parametrize(
        ("provided", "expected"),
        [
            ("path-secret", OK),
            ("path-secreT", "bad_signature"),
            (None, "missing_header"),
            ("", "missing_header"),
        ],
    )
    def test_path_secret(self, provided: str | None, expected: str) -> None:
        assert ws.verify_garmin_path_secret("path-secret", provided).outcome == expected


class TestBadInput:
    def test_empty_secret_raises_without_echo(self) -> None:
        with pytest.raises(DomainInputError) as info:
            ws.verify_oura_signature("", oura_headers(), OURA_BODY, NOW)
        assert OURA_SIG not in str(info.value)

    def test_naive_now_raises(self) -> None:
        with pytest.raises(DomainInputError):
            ws.verify_whoop_signature(
                WHOOP_SECRET, whoop_headers(), WHOOP_BODY, datetime(2026, 7, 4)
            )

    @pytest.mark.parametrize(
        "call", ["fitbit", "google", "strava", "oura", "fitbit_verify", "garmin"]
    )
    def test_every_check_refuses_an_empty_secret(self, call: str) -> None:
        calls: dict[str, Callable[[], object]] = {
            "fitbit": lambda: ws.verify_fitbit_signature("", {}, b""),
            "google": lambda: ws.verify_google_health_authorization("", {}),
            "strava": lambda: ws.answer_strava_challenge(
                "",
                {"hub.mode": "subscribe", "hub.challenge": "c", "hub.verify_token": ""},
            ),
            "oura": lambda: ws.answer_oura_verification("", {}),
            "fitbit_verify": lambda: ws.answer_fitbit_verification("", {"verify": ""}),
            "garmin": lambda: ws.verify_garmin_path_secret("", "x"),
        }
        with pytest.raises(DomainInputError):
            calls[call]()
