"""Settings read from the environment (and an optional `.env` file).

Nothing here is built at import time: call `get_settings()` (cached) or build
`Settings()` yourself in tests. `.env.example` documents every variable.
"""

from __future__ import annotations

import enum
import functools
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development's default signing secret: long enough for HS256 (32+ bytes),
# and refused outside development and test like every placeholder.
DEFAULT_AUTH_SECRET = "dev-only-secret-never-use-in-production"  # noqa: S105
PLACEHOLDER_SECRETS = frozenset(
    {"", "changethis", "change-me", "dev-secret", "secret", DEFAULT_AUTH_SECRET}
)


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        hide_input_in_errors=True,  # a startup error must not print secrets
    )

    APP_ENV: Environment = Environment.DEVELOPMENT
    APP_ID: str = "gym-platform-jobs"
    APP_VERSION: str | None = None

    # HTTP edge: accepted Host names (comma-separated; "*" accepts any) and
    # request body caps (413 above; the Inngest endpoint gets its own).
    ALLOWED_HOSTS: str = "*"
    # Slow clients (app/core/slow_clients.py): the time to send the request
    # headers (connection closed after it) and the whole body (408 after it).
    HTTP_HEADER_TIMEOUT_S: float = Field(default=10.0, gt=0, le=300)
    HTTP_BODY_TIMEOUT_S: float = Field(default=30.0, gt=0, le=600)
    MAX_BODY_BYTES: int = Field(default=1024 * 1024, ge=1024)
    INNGEST_MAX_BODY_BYTES: int = Field(default=5 * 1024 * 1024, ge=1024)
    # SIGTERM: /readyz answers 503 for this long before the server stops
    # accepting connections (lets the load balancer take us out). SIGINT: none.
    SHUTDOWN_DRAIN_S: float = Field(default=2.0, ge=0, le=60)
    # After startup, move what startup built (modules, classes, the app) out of
    # the garbage collector's reach: later full collections skip it.
    GC_FREEZE_AT_STARTUP: bool = True
    # Allocations between two collections of the youngest generation
    # (CPython's default is 700); 0 leaves the interpreter's thresholds alone.
    GC_YOUNG_THRESHOLD: int = Field(default=5000, ge=0, le=1_000_000)

    # Inngest: whether our code routes work through Inngest at all.
    INNGEST_ENABLED: bool = False
    INNGEST_RETRIES: int = Field(default=3, ge=0, le=20)
    INNGEST_DEV: str | None = None
    INNGEST_EVENT_KEY: SecretStr | None = None
    INNGEST_SIGNING_KEY: SecretStr | None = None
    INNGEST_SIGNING_KEY_FALLBACK: SecretStr | None = None
    INNGEST_BASE_URL: str | None = None
    INNGEST_EVENT_API_BASE_URL: str | None = None
    INNGEST_API_BASE_URL: str | None = None
    INNGEST_SERVE_ORIGIN: str | None = None
    INNGEST_SERVE_PATH: str = "/api/inngest"
    # Each HTTP attempt of a send, and the hard bound on one whole send call.
    INNGEST_SEND_TIMEOUT_MS: int = Field(default=5000, ge=100, le=60000)
    INNGEST_SEND_DEADLINE_S: float = Field(default=10.0, gt=0, le=120)
    # Inbound request signatures: the largest |now - t| accepted (the SDK
    # checks none), and where the MACs seen inside it are kept so a replay is
    # refused: per process ("memory"; "true" too), shared by every replica
    # through the database ("database"), or nowhere ("off"; "false" too).
    INNGEST_SIGNATURE_TOLERANCE_S: int = Field(default=300, ge=5, le=3600)
    INNGEST_REPLAY_CACHE: Literal["off", "memory", "database"] = "memory"
    # Inline mode (INNGEST_ENABLED false): run the cron workers on their
    # schedules in-process (one leader process; app/jobs/scheduler.py).
    INLINE_SCHEDULER: bool = True

    # Outbox relay.
    OUTBOX_BATCH_SIZE: int = Field(default=100, ge=1, le=5000)
    OUTBOX_POLL_INTERVAL_S: float = Field(default=2.0, gt=0, le=300)
    OUTBOX_BACKOFF_BASE_S: float = Field(default=1.0, gt=0, le=300)
    OUTBOX_BACKOFF_MAX_S: float = Field(default=60.0, gt=0, le=3600)
    OUTBOX_MAX_REJECTIONS: int = Field(default=5, ge=1, le=100)
    OUTBOX_LEASE_S: float = Field(default=30.0, gt=0, le=3600)
    # After a commit wakes the relay, wait this long before the cycle, so
    # commits close together share one claim + send (off the request path);
    # also the longest it waits for no request in flight before a claim or mark.
    OUTBOX_RELAY_WAKE_DELAY_MS: int = Field(default=100, ge=0, le=5000)
    OUTBOX_RELAY_IN_PROCESS: bool = True

    DATABASE_URL: str = "sqlite+aiosqlite:///./gym_jobs.db"
    DATABASE_ECHO: bool = False
    DATABASE_PING_TIMEOUT_S: float = Field(default=2.0, gt=0, le=60)
    # SQLite only: serialise this process's write transactions with a lock
    # that hands over at once, instead of SQLite's busy-handler sleeps.
    SQLITE_WRITER_GATE: bool = True

    SENTRY_DSN: SecretStr | None = None
    SENTRY_ENVIRONMENT: str | None = None
    SENTRY_TRACES_SAMPLE_RATE: float = Field(default=0.0, ge=0, le=1)

    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    LOG_FORMAT: Literal["console", "json"] | None = None
    # Access lines (app/core/access_log.py): every API request, or only those
    # answered 4xx/5xx when false.
    LOG_ACCESS: bool = True
    # ...and every call to the serve path (one per step; the job.* lines
    # already say what ran). Calls answered 4xx/5xx always log.
    LOG_INNGEST_ACCESS: bool = False

    # Prometheus metrics (app/core/metrics.py, docs/operations.md): `/metrics`
    # on the API port needs METRICS_TOKEN (a bearer token) in production, else
    # it is not served there; METRICS_PORT serves it on a port of its own.
    METRICS_ENABLED: bool = True
    METRICS_TOKEN: SecretStr | None = None
    METRICS_PORT: int | None = Field(default=None, ge=1, le=65535)
    METRICS_HOST: str = "0.0.0.0"  # noqa: S104 - the pod's metrics port
    # How often the relay refreshes the outbox gauges (pending, oldest age).
    METRICS_OUTBOX_REFRESH_S: float = Field(default=15.0, gt=0, le=3600)
    # OpenTelemetry traces (app/core/tracing.py): off unless set, e.g.
    # http://otel-collector:4318/v1/traces (OTLP over HTTP).
    OTEL_EXPORTER_OTLP_ENDPOINT: str | None = None

    AUTH_SECRET: SecretStr = SecretStr(DEFAULT_AUTH_SECRET)
    AUTH_ISSUER: str = "gym-platform"
    AUTH_AUDIENCE: str = "gym-jobs"
    # Platform-admin tokens (app/core/security.py): their own audience, so a
    # member, coach or owner token can never pass as one.
    AUTH_ADMIN_AUDIENCE: str = "gym-jobs-admin"

    # The longest a bearer token may live (`exp` - `iat`, and `exp` - now);
    # `exp` is required. Longer tokens are refused with 401.
    AUTH_MAX_TOKEN_LIFETIME_S: int = Field(default=86_400, ge=60, le=30 * 86_400)

    # /docs, /redoc and /openapi.json: unset = on outside production, off in it.
    API_DOCS: bool | None = None

    # Wearable providers (sync): "fake" serves every provider from the
    # built-in fake, in-process (synthetic `fake-<profile>-<suffix>` tokens,
    # docs/wearables.md); "real" uses the base URLs below. Unset: fake in
    # development, real otherwise (tests point the base URLs at a loopback
    # fake themselves). Production refuses "fake".
    WEARABLE_PROVIDERS: Literal["real", "fake"] | None = None
    # API base URLs, webhook secrets, HTTP limits.
    WEARABLE_OURA_API_BASE_URL: str = "https://api.ouraring.com"
    WEARABLE_OURA_WEBHOOK_SECRET: SecretStr | None = None
    WEARABLE_OURA_VERIFICATION_TOKEN: SecretStr | None = None
    WEARABLE_WHOOP_API_BASE_URL: str = "https://api.prod.whoop.com/developer"
    WEARABLE_WHOOP_WEBHOOK_SECRET: SecretStr | None = None
    WEARABLE_GOOGLE_HEALTH_API_BASE_URL: str = "https://health.googleapis.com"
    WEARABLE_GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION: SecretStr | None = None
    WEARABLE_STRAVA_API_BASE_URL: str = "https://www.strava.com/api/v3"
    WEARABLE_STRAVA_VERIFY_TOKEN: SecretStr | None = None
    WEARABLE_STRAVA_SUBSCRIPTION_ID: int | None = None
    # The `?key=` of the registered Strava callback URL (Strava signs nothing).
    WEARABLE_STRAVA_CALLBACK_SECRET: SecretStr | None = None
    WEARABLE_GARMIN_API_BASE_URL: str = "https://apis.garmin.com"
    WEARABLE_GARMIN_WEBHOOK_SECRET: SecretStr | None = None
    WEARABLE_GARMIN_CALLBACK_HOSTS: str = "apis.garmin.com"  # comma-separated
    WEARABLE_HTTP_CONNECT_TIMEOUT_S: float = Field(default=2.0, gt=0, le=30)
    WEARABLE_HTTP_READ_TIMEOUT_S: float = Field(default=10.0, gt=0, le=60)
    WEARABLE_MAX_RESPONSE_BYTES: int = Field(default=2_000_000, ge=1024)
    WEARABLE_WEBHOOK_MAX_BODY_BYTES: int = Field(default=262_144, ge=1024)
    WEARABLE_WEBHOOK_TOLERANCE_S: int = Field(default=300, ge=1, le=3600)
    WEARABLE_HISTORY_DAYS: int = Field(default=60, ge=1, le=365)
    WEARABLE_BACKFILL_SILENT_HOURS: int = Field(default=24, ge=1)
    WEARABLE_BACKFILL_BATCH: int = Field(default=200, ge=1, le=5000)

    # Social feed and notifications.
    SOCIAL_FANOUT_CHUNK_SIZE: int = Field(default=1000, ge=1, le=5000)
    SOCIAL_PULL_FOLLOWER_THRESHOLD: int = Field(default=5000, ge=1)

    # Retention of job bookkeeping (app/services/retention.py): the daily
    # `privacy-purge-expired-records` cron deletes what is older.
    RETENTION_SENT_EVENTS_DAYS: int = Field(default=7, ge=1, le=365)
    RETENTION_DEAD_LETTERS_DAYS: int = Field(default=30, ge=1, le=365)
    # Idempotency records: longer than Inngest's 24 h de-duplication window.
    RETENTION_IDEMPOTENCY_HOURS: int = Field(default=48, ge=25, le=24 * 365)
    RETENTION_BATCH_SIZE: int = Field(default=5000, ge=100, le=50_000)

    @field_validator("INNGEST_DEV", mode="before")
    @classmethod
    def _blank_dev_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("INNGEST_REPLAY_CACHE", mode="before")
    @classmethod
    def _replay_cache_booleans(cls, value: object) -> object:
        if isinstance(value, bool):
            return "memory" if value else "off"
        if isinstance(value, str):
            lowered = value.strip().lower()
            return {"true": "memory", "1": "memory", "false": "off", "0": "off"}.get(
                lowered, lowered
            )
        return value

    @field_validator("GC_YOUNG_THRESHOLD")
    @classmethod
    def _young_threshold(cls, value: int) -> int:
        if 0 < value < 100:
            raise ValueError("0 (the interpreter's own) or at least 100")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if value.startswith(plain):
                return driver + value[len(plain) :]
        return value

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> Settings:
        relaxed = (Environment.DEVELOPMENT, Environment.TEST)
        secret = self.AUTH_SECRET.get_secret_value()
        if self.APP_ENV not in relaxed and secret in PLACEHOLDER_SECRETS:
            raise ValueError("AUTH_SECRET must be set to a real secret in production")
        if self.APP_ENV not in relaxed and len(secret) < 32:
            raise ValueError("AUTH_SECRET must be at least 32 characters in production")
        return self

    @model_validator(mode="after")
    def _admin_audience_apart(self) -> Settings:
        if self.AUTH_ADMIN_AUDIENCE == self.AUTH_AUDIENCE:
            raise ValueError("AUTH_ADMIN_AUDIENCE must differ from AUTH_AUDIENCE")
        return self

    @property
    def inngest_dev_mode(self) -> bool:
        """Dev-server mode (no request signatures).

        The SDK's rule: INNGEST_DEV set to anything but 0/false. Outside
        production, a missing signing key also means dev mode, so `make run`
        works offline; in production a missing key fails at startup instead.
        """
        if self.INNGEST_DEV is not None:
            return self.INNGEST_DEV.lower() not in {"0", "false"}
        return not self.is_production and self.INNGEST_SIGNING_KEY is None

    @property
    def allowed_hosts(self) -> list[str]:
        hosts = [h.strip() for h in self.ALLOWED_HOSTS.split(",") if h.strip()]
        return hosts or ["*"]

    @property
    def log_format(self) -> Literal["console", "json"]:
        if self.LOG_FORMAT is not None:
            return self.LOG_FORMAT
        return "json" if self.APP_ENV == Environment.PRODUCTION else "console"

    @property
    def wearables_fake(self) -> bool:
        """Whether wearable providers are the in-process fake (see above)."""
        if self.WEARABLE_PROVIDERS is not None:
            return self.WEARABLE_PROVIDERS == "fake"
        return self.APP_ENV == Environment.DEVELOPMENT

    @property
    def api_docs(self) -> bool:
        return self.API_DOCS if self.API_DOCS is not None else not self.is_production

    @property
    def is_production(self) -> bool:
        return self.APP_ENV == Environment.PRODUCTION


@functools.cache
def get_settings() -> Settings:
    return Settings()
