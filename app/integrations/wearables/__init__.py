"""Wearable provider adapters (one module per provider, one `WearableClient`
protocol). `build_clients` wires them from settings around one HTTP client;
with `settings.wearables_fake` they call the in-process fake provider."""

from __future__ import annotations

from app.core.config import Settings
from app.domain.wearables import Provider
from app.integrations.wearables.base import WearableClient
from app.integrations.wearables.fake_provider import IN_PROCESS_SETTINGS
from app.integrations.wearables.garmin import GarminClient
from app.integrations.wearables.google_health import GoogleHealthClient
from app.integrations.wearables.http import ProviderHttp
from app.integrations.wearables.oura import OuraClient
from app.integrations.wearables.strava import StravaClient
from app.integrations.wearables.whoop import WhoopClient


def garmin_callback_hosts(settings: Settings) -> frozenset[str]:
    hosts = settings.WEARABLE_GARMIN_CALLBACK_HOSTS.split(",")
    return frozenset(h.strip().lower() for h in hosts if h.strip())


def build_clients(
    settings: Settings, http: ProviderHttp
) -> dict[Provider, WearableClient]:
    if settings.wearables_fake:  # the in-process fake (build_http_client)
        settings = settings.model_copy(update=IN_PROCESS_SETTINGS)
    return {
        Provider.OURA: OuraClient(http, settings.WEARABLE_OURA_API_BASE_URL),
        Provider.WHOOP: WhoopClient(http, settings.WEARABLE_WHOOP_API_BASE_URL),
        Provider.GOOGLE_HEALTH: GoogleHealthClient(
            http, settings.WEARABLE_GOOGLE_HEALTH_API_BASE_URL
        ),
        Provider.STRAVA: StravaClient(http, settings.WEARABLE_STRAVA_API_BASE_URL),
        Provider.GARMIN: GarminClient(
            http, settings.WEARABLE_GARMIN_API_BASE_URL, garmin_callback_hosts(settings)
        ),
    }


CLIENT_CLASSES = (
    OuraClient,
    WhoopClient,
    GoogleHealthClient,
    StravaClient,
    GarminClient,
)
SYNCED_DATA_TYPES: dict[Provider, frozenset[str]] = {
    cls.provider: frozenset(cls.range_data_types) for cls in CLIENT_CLASSES
}
