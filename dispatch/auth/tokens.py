"""Signed, expiring bearer tokens for shippers and staff (``POST /v1/auth/token``)."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dispatch.auth.principal import Principal, Role
from dispatch.errors import NotAuthenticated
from dispatch.settings import get_settings

TOKEN_TTL_S = 12 * 3600
_SALT = "bearer-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=_SALT)


def issue_token(principal: Principal) -> str:
    return _serializer().dumps({"role": principal.role.value, "id": principal.id})


def read_token(token: str, *, max_age_s: int = TOKEN_TTL_S) -> Principal:
    """The principal a token names; NotAuthenticated when forged or expired."""
    try:
        data = _serializer().loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise NotAuthenticated("the token has expired; sign in again") from exc
    except BadSignature as exc:
        raise NotAuthenticated("invalid token") from exc
    return Principal(role=Role(data["role"]), id=int(data["id"]))
