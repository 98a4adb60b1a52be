"""Page sign-in sessions: a signed HttpOnly SameSite cookie carrying the principal and a
CSRF token. The pages' scripts call the same /v1 JSON endpoints with this cookie and the
token in an ``X-CSRF-Token`` header, so every action exists once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dispatch.auth.principal import Principal, Role
from dispatch.errors import Forbidden
from dispatch.settings import get_settings

COOKIE = "sd_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_TTL_S = 14 * 3600
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class PageSession:
    principal: Principal
    csrf_token: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt="page-session")


def start_session(response: Response, principal: Principal) -> PageSession:
    """Set the session cookie; the CSRF token goes into the pages, never into a URL."""
    session = PageSession(principal=principal, csrf_token=secrets.token_urlsafe(24))
    value = _serializer().dumps(
        {
            "role": principal.role.value,
            "id": principal.id,
            "name": principal.name,
            "csrf": session.csrf_token,
        }
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=SESSION_TTL_S,
        httponly=True,
        samesite="strict",
        secure=get_settings().base_url.startswith("https://"),
        path="/",
    )
    return session


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def read_session(request: Request) -> PageSession | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=SESSION_TTL_S)
    except (BadSignature, SignatureExpired):
        return None
    principal = Principal(role=Role(data["role"]), id=int(data["id"]), name=data.get("name", ""))
    return PageSession(principal=principal, csrf_token=str(data["csrf"]))


def check_csrf(request: Request, session: PageSession, submitted: str | None = None) -> None:
    """Unsafe requests made with the cookie must echo the session's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    token = submitted or request.headers.get(CSRF_HEADER)
    if not token or not secrets.compare_digest(token, session.csrf_token):
        raise Forbidden("missing or wrong CSRF token; reload the page")
