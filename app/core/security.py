"""Bearer JWT (HS256, shared secret) carrying user id, gym id and role."""

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


def _lives_too_long(claims: dict[str, object], cap_s: int) -> bool:
    """`exp` more than `cap_s` after `iat` or after now (a token minted with a
    long life, or with an old `iat` to look short)."""
    try:
        exp, iat = float(str(claims["exp"])), float(str(claims["iat"]))
    except (KeyError, ValueError):
        return True
    now = dt.datetime.now(dt.UTC).timestamp()
    return exp - iat > cap_s or exp - now > cap_s


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
    if _lives_too_long(claims, settings.AUTH_MAX_TOKEN_LIFETIME_S):
        raise UnauthorizedError("token lifetime too long")
    try:
        return Principal(
            user_id=uuid.UUID(str(claims["sub"])),
            gym_id=uuid.UUID(str(claims["gym_id"])),
            role=Role(str(claims["role"])),
        )
    except ValueError as exc:
        raise UnauthorizedError("invalid token claims") from exc
