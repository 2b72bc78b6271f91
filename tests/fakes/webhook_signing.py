"""How the providers sign their webhooks, written independently of the app
(hashlib/hmac directly) so the tests check the app against the spec."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

OURA_SECRET = "oura-client-secret"
OURA_VERIFICATION_TOKEN = "oura-verify-token"
WHOOP_SECRET = "whoop-client-secret"
GOOGLE_AUTHORIZATION = "Bearer google-health-subscriber-secret"
STRAVA_VERIFY_TOKEN = "strava-verify-token"
STRAVA_SUBSCRIPTION_ID = 120475
STRAVA_CALLBACK_KEY = "strava-callback-secret-0123456789"
GARMIN_KEY = "garmin-path-secret-0123456789"

WEBHOOK_SETTINGS = {
    "WEARABLE_OURA_WEBHOOK_SECRET": OURA_SECRET,
    "WEARABLE_OURA_VERIFICATION_TOKEN": OURA_VERIFICATION_TOKEN,
    "WEARABLE_WHOOP_WEBHOOK_SECRET": WHOOP_SECRET,
    "WEARABLE_GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION": GOOGLE_AUTHORIZATION,
    "WEARABLE_STRAVA_VERIFY_TOKEN": STRAVA_VERIFY_TOKEN,
    "WEARABLE_STRAVA_SUBSCRIPTION_ID": STRAVA_SUBSCRIPTION_ID,
    "WEARABLE_STRAVA_CALLBACK_SECRET": STRAVA_CALLBACK_KEY,
    "WEARABLE_GARMIN_WEBHOOK_SECRET": GARMIN_KEY,
}


def oura_headers(
    body: bytes, *, secret: str = OURA_SECRET, ts: int | None = None
) -> dict[str, str]:
    """x-oura-signature = uppercase hex HMAC-SHA256(secret, timestamp + body)."""
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256)
    return {
        "content-type": "application/json",
        "x-oura-timestamp": stamp,
        "x-oura-signature": digest.hexdigest().upper(),
    }


def whoop_headers(
    body: bytes, *, secret: str = WHOOP_SECRET, ts_ms: int | None = None
) -> dict[str, str]:
    """X-WHOOP-Signature = base64 HMAC-SHA256(secret, timestamp_ms + body)."""
    stamp = str(int(time.time() * 1000) if ts_ms is None else ts_ms)
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {
        "content-type": "application/json",
        "x-whoop-signature-timestamp": stamp,
        "x-whoop-signature": base64.b64encode(digest).decode(),
    }
