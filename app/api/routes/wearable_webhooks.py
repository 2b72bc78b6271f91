"""Provider webhooks under `/api/v1/webhooks/<provider>`.

Each delivery is verified on the raw body bytes (constant-time compare, signed
timestamps within the window), answered fast with 2xx, stored once per
provider dedupe key and handed to the sync job by id. Logs carry the provider
and outcome codes only, never headers, bodies or secrets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from pydantic import SecretStr

from app.api.deps import RuntimeDep, SessionDep, SettingsDep
from app.api.schema import holds_unstorable_text
from app.core.config import Settings
from app.core.errors import AppError
from app.core.logging import get_logger
from app.domain import webhook_payloads as payloads
from app.domain import webhook_signatures as sig
from app.domain.errors import DomainInputError
from app.domain.wearables import Provider
from app.integrations.wearables import garmin_callback_hosts
from app.services import clock, wearable_webhooks

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
log = get_logger("app.api.webhooks")
JSON = "application/json"
STRAVA_ANSWER = {"status": "received"}


class WebhookNotConfiguredError(AppError):
    status_code = 503
    code = "webhook_not_configured"


class InvalidSignatureError(AppError):
    status_code = 401
    code = "invalid_signature"


class InvalidPayloadError(AppError):
    status_code = 400
    code = "invalid_payload"


class PayloadTooLargeError(AppError):
    status_code = 413
    code = "payload_too_large"


def _secret(value: SecretStr | None) -> str:
    if value is None or not value.get_secret_value():
        raise WebhookNotConfiguredError()
    return value.get_secret_value()


async def _raw_body(request: Request, settings: Settings) -> bytes:
    cap = settings.WEARABLE_WEBHOOK_MAX_BODY_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise PayloadTooLargeError()
    body = await request.body()
    if len(body) > cap:
        raise PayloadTooLargeError()
    return body


def _require(provider: Provider, check: sig.SignatureCheck) -> None:
    if not check.is_valid:
        log.warning(
            "webhook.rejected", provider=provider.value, outcome=check.outcome.value
        )
        raise InvalidSignatureError()


def _parse(parse: Callable[[], payloads.ParsedBody]) -> payloads.ParsedBody:
    """The body's notifications, or 400 for a malformed body or one whose
    text the database cannot store (NUL, lone surrogates: app/api/schema.py)."""
    try:
        parsed = parse()
    except DomainInputError:
        raise InvalidPayloadError() from None
    for note in parsed.notifications:
        texts = [note.external_user_id, note.data_type, note.object_id, note.fetch_url]
        if holds_unstorable_text([*texts, *note.dedupe_parts]):
            raise InvalidPayloadError()
    return parsed


async def _accept(
    provider: Provider,
    parsed: payloads.ParsedBody,
    session: SessionDep,
    runtime: RuntimeDep,
) -> dict[str, int]:
    outcome = await wearable_webhooks.record_notifications(
        session, runtime.dispatcher, provider, parsed, clock.now()
    )
    log.info("webhook.received", provider=provider.value, **outcome.as_body())
    return outcome.as_body()


def _reply(reply: sig.HandshakeReply) -> Response:
    return Response(
        reply.body, reply.status_code, media_type=JSON if reply.body else None
    )


@router.get("/oura")
async def verify_oura(request: Request, settings: SettingsDep) -> Response:
    token = _secret(settings.WEARABLE_OURA_VERIFICATION_TOKEN)
    return _reply(sig.answer_oura_verification(token, dict(request.query_params)))


@router.post("/oura")
async def receive_oura(
    request: Request, settings: SettingsDep, session: SessionDep, runtime: RuntimeDep
) -> dict[str, int]:
    secret = _secret(settings.WEARABLE_OURA_WEBHOOK_SECRET)
    body = await _raw_body(request, settings)
    tolerance = _tolerance(settings)
    check = sig.verify_oura_signature(
        secret, request.headers, body, clock.now(), tolerance
    )
    _require(Provider.OURA, check)
    parsed = _parse(lambda: payloads.parse_oura(body))
    return await _accept(Provider.OURA, parsed, session, runtime)


@router.post("/whoop")
async def receive_whoop(
    request: Request, settings: SettingsDep, session: SessionDep, runtime: RuntimeDep
) -> dict[str, int]:
    secret = _secret(settings.WEARABLE_WHOOP_WEBHOOK_SECRET)
    body = await _raw_body(request, settings)
    tolerance = _tolerance(settings)
    check = sig.verify_whoop_signature(
        secret, request.headers, body, clock.now(), tolerance
    )
    _require(Provider.WHOOP, check)
    stamp = request.headers.get("x-whoop-signature-timestamp", "")
    parsed = _parse(lambda: payloads.parse_whoop(body, stamp))
    return await _accept(Provider.WHOOP, parsed, session, runtime)


@router.get("/strava")
async def verify_strava(request: Request, settings: SettingsDep) -> Response:
    token = _secret(settings.WEARABLE_STRAVA_VERIFY_TOKEN)
    return _reply(sig.answer_strava_challenge(token, dict(request.query_params)))


@router.post("/strava")
async def receive_strava(
    request: Request, settings: SettingsDep, session: SessionDep, runtime: RuntimeDep
) -> dict[str, str]:
    """Strava signs nothing. The registered callback URL carries
    `?key=<WEARABLE_STRAVA_CALLBACK_SECRET>` (as Garmin's does); events of
    another subscription are dropped, and every accepted body gets the same
    answer, so a wrong subscription id cannot be told from a right one. The
    sync re-fetches every activity with the athlete's own token, and a
    deauthorization only asks for a sync: the provider's 401 breaks the
    connection (app/services/wearable_webhooks.py)."""
    _secret(settings.WEARABLE_STRAVA_VERIFY_TOKEN)
    secret = _secret(settings.WEARABLE_STRAVA_CALLBACK_SECRET)
    check = sig.verify_garmin_path_secret(secret, request.query_params.get("key"))
    _require(Provider.STRAVA, check)
    body = await _raw_body(request, settings)
    parsed = _parse(lambda: payloads.parse_strava(body))
    expected = settings.WEARABLE_STRAVA_SUBSCRIPTION_ID
    if expected is not None:
        parsed = dataclasses.replace(
            parsed,
            notifications=tuple(
                n for n in parsed.notifications if n.dedupe_parts[0] == str(expected)
            ),
        )
    await _accept(Provider.STRAVA, parsed, session, runtime)
    return STRAVA_ANSWER


@router.post("/google-health", response_model=None)
async def receive_google_health(
    request: Request, settings: SettingsDep, session: SessionDep, runtime: RuntimeDep
) -> dict[str, int] | Response:
    expected = _secret(settings.WEARABLE_GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION)
    body = await _raw_body(request, settings)
    if sig.is_google_health_verification(body):
        return _reply(sig.answer_google_health_verification(expected, request.headers))
    _require(
        Provider.GOOGLE_HEALTH,
        sig.verify_google_health_authorization(expected, request.headers),
    )
    received_at = clock.now()
    parsed = _parse(lambda: payloads.parse_google_health(body, received_at))
    return await _accept(Provider.GOOGLE_HEALTH, parsed, session, runtime)


@router.post("/garmin")
async def receive_garmin(
    request: Request, settings: SettingsDep, session: SessionDep, runtime: RuntimeDep
) -> dict[str, int]:
    """Garmin signs nothing: the registered URL carries `?key=<secret>`, and a
    ping's callback URLs must be https on an allow-listed host."""
    secret = _secret(settings.WEARABLE_GARMIN_WEBHOOK_SECRET)
    check = sig.verify_garmin_path_secret(secret, request.query_params.get("key"))
    _require(Provider.GARMIN, check)
    body = await _raw_body(request, settings)
    hosts = garmin_callback_hosts(settings)
    parsed = _parse(lambda: payloads.parse_garmin_ping(body, hosts))
    return await _accept(Provider.GARMIN, parsed, session, runtime)


def _tolerance(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.WEARABLE_WEBHOOK_TOLERANCE_S)
