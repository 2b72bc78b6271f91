"""Bearer JWTs (HS256, shared secret) from the platform's identity service.

Two kinds, never interchangeable:

- people's tokens (audience `AUTH_AUDIENCE`): `sub` (the person's id),
  `gym_id`, and `role` member, coach or owner;
- platform-admin tokens (audience `AUTH_ADMIN_AUDIENCE`): `sub` and role
  `platform_admin`, no gym. They create and update gyms and their first
  owners. A people's token never passes as an admin token (other audience,
  other role) and an admin token never acts as a person of a gym.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid

import jwt

from app.core.config import Settings
from app.core.errors import UnauthorizedError

ALGORITHM = "HS256"


class Role(enum.StrEnum):
    MEMBER = "member"
    COACH = "coach"
    OWNER = "owner"


ADMIN_ROLE = "platform_admin"


@dataclasses.dataclass(frozen=True)
class AdminPrincipal:
    """A platform administrator (service or operator), outside every gym."""

    subject: str


@dataclasses.dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    gym_id: uuid.UUID
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.COACH, Role.OWNER)


def _encode(
    settings: Settings,
    claims: dict[str, object],
    *,
    audience: str,
    now: dt.datetime | None,
    ttl: dt.timedelta,
) -> str:
    issued = now or dt.datetime.now(dt.UTC)
    body = {
        **claims,
        "iss": settings.AUTH_ISSUER,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(body, settings.AUTH_SECRET.get_secret_value(), ALGORITHM)


def _lives_too_long(claims: dict[str, object], cap_s: int) -> bool:
    """`exp` more than `cap_s` after `iat` or after now (a token minted with a
    long life, or with an old `iat` to look short)."""
    try:
        exp, iat = float(str(claims["exp"])), float(str(claims["iat"]))
    except (KeyError, ValueError):
        return True
    now = dt.datetime.now(dt.UTC).timestamp()
    return exp - iat > cap_s or exp - now > cap_s


def _decode(
    settings: Settings, token: str, *, audience: str, require: list[str]
) -> dict[str, object]:
    """Verified claims: signature, issuer, audience, `exp` and the lifetime cap
    (`AUTH_MAX_TOKEN_LIFETIME_S`), the same for both kinds of token."""
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            settings.AUTH_SECRET.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=settings.AUTH_ISSUER,
            options={"require": ["sub", "exp", "iat", "role", *require]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise UnauthorizedError("invalid token") from exc
    if _lives_too_long(claims, settings.AUTH_MAX_TOKEN_LIFETIME_S):
        raise UnauthorizedError("token lifetime too long")
    return claims


def issue_token(
    settings: Settings,
    principal: Principal,
    *,
    now: dt.datetime | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=1),
) -> str:
    claims: dict[str, object] = {
        "sub": str(principal.user_id),
        "gym_id": str(principal.gym_id),
        "role": principal.role.value,
    }
    return _encode(settings, claims, audience=settings.AUTH_AUDIENCE, now=now, ttl=ttl)


def decode_token(settings: Settings, token: str) -> Principal:
    claims = _decode(
        settings, token, audience=settings.AUTH_AUDIENCE, require=["gym_id"]
    )
    try:
        return Principal(
            user_id=uuid.UUID(str(claims["sub"])),
            gym_id=uuid.UUID(str(claims["gym_id"])),
            role=Role(str(claims["role"])),
        )
    except ValueError as exc:
        raise UnauthorizedError("invalid token claims") from exc


def issue_admin_token(
    settings: Settings,
    subject: str,
    *,
    now: dt.datetime | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=1),
) -> str:
    claims: dict[str, object] = {"sub": subject, "role": ADMIN_ROLE}
    audience = settings.AUTH_ADMIN_AUDIENCE
    return _encode(settings, claims, audience=audience, now=now, ttl=ttl)


def decode_admin_token(settings: Settings, token: str) -> AdminPrincipal:
    claims = _decode(settings, token, audience=settings.AUTH_ADMIN_AUDIENCE, require=[])
    subject = claims.get("sub")
    if claims.get("role") != ADMIN_ROLE or not isinstance(subject, str) or not subject:
        raise UnauthorizedError("invalid token claims")
    return AdminPrincipal(subject)
