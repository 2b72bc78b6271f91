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


def issue_token(
    settings: Settings,
    principal: Principal,
    *,
    now: dt.datetime | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=1),
) -> str:
    issued = now or dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(principal.user_id),
        "gym_id": str(principal.gym_id),
        "role": principal.role.value,
        "iss": settings.AUTH_ISSUER,
        "aud": settings.AUTH_AUDIENCE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, settings.AUTH_SECRET.get_secret_value(), ALGORITHM)


def decode_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.AUTH_SECRET.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.AUTH_AUDIENCE,
            issuer=settings.AUTH_ISSUER,
            options={"require": ["sub", "exp", "iat", "gym_id", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise UnauthorizedError("invalid token") from exc
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
    issued = now or dt.datetime.now(dt.UTC)
    claims = {
        "sub": subject,
        "role": ADMIN_ROLE,
        "iss": settings.AUTH_ISSUER,
        "aud": settings.AUTH_ADMIN_AUDIENCE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, settings.AUTH_SECRET.get_secret_value(), ALGORITHM)


def decode_admin_token(settings: Settings, token: str) -> AdminPrincipal:
    try:
        claims = jwt.decode(
            token,
            settings.AUTH_SECRET.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.AUTH_ADMIN_AUDIENCE,
            issuer=settings.AUTH_ISSUER,
            options={"require": ["sub", "exp", "iat", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise UnauthorizedError("invalid token") from exc
    subject = claims.get("sub")
    if claims.get("role") != ADMIN_ROLE or not isinstance(subject, str) or not subject:
        raise UnauthorizedError("invalid token claims")
    return AdminPrincipal(subject)
