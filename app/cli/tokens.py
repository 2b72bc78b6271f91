"""`python -m app.cli token`: a development bearer token.

    python -m app.cli token --role owner --gym <gym-id> --sub <person-id>
    python -m app.cli token --admin [--sub ops]

Signed with this configuration's AUTH_SECRET, as the platform's identity
service would sign them. Refused with APP_ENV=production.
"""

from __future__ import annotations

import datetime as dt
import uuid

from app.core.config import Settings
from app.core.security import Principal, Role, issue_admin_token, issue_token

DEFAULT_TTL = dt.timedelta(hours=12)


def mint(
    settings: Settings,
    *,
    role: str,
    gym_id: uuid.UUID | None,
    sub: str | None,
    ttl: dt.timedelta = DEFAULT_TTL,
) -> str:
    if ttl.total_seconds() > settings.AUTH_MAX_TOKEN_LIFETIME_S:
        raise SystemExit(
            "the lifetime is longer than AUTH_MAX_TOKEN_LIFETIME_S: the API"
            " would refuse the token"
        )
    if role == "admin":
        return issue_admin_token(settings, sub or "dev-admin", ttl=ttl)
    if gym_id is None or sub is None:
        raise SystemExit("a member, coach or owner token needs --gym and --sub")
    try:
        person = uuid.UUID(sub)
    except ValueError:
        raise SystemExit("--sub must be the person's id (a UUID)") from None
    return issue_token(settings, Principal(person, gym_id, Role(role)), ttl=ttl)
