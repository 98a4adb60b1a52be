"""``/dispatcher``: the dispatcher console (sign-in, the board, sign-out).

The page is rendered once; its script polls ``GET /v1/board`` (with its ETag, every few
seconds) and acts through the same /v1 JSON endpoints as any integration, with the session
cookie and the CSRF header, so every console action exists once.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import SessionDep
from api.pages import i18n
from api.pages.sessions import CSRF_FIELD, check_csrf, end_session, read_session, start_session
from api.pages.templating import STATIC_DIR, render
from dispatch.auth.principal import Principal, Role
from dispatch.auth.service import sign_in
from dispatch.errors import DispatchError, NotAuthenticated, TooManyRequests
from dispatch.settings import get_settings

router = APIRouter(prefix="/dispatcher", include_in_schema=False)

FORM_COOKIE = "sd_console_form"  # double-submit token of the sign-in form
POLL_INTERVAL_S = 5
TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; "
        "script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STAFF = (Role.DISPATCHER, Role.ADMIN)
# Strings the script shows; they live in the catalogues like every other page string.
SCRIPT_MSGIDS = [
    "stops",
    "kg",
    "km",
    "last stop",
    "On duty",
    "Off duty",
    "Take off duty",
    "Put on duty",
    "Lock",
    "Unlock",
    "Re-optimise",
    "Sign-in link",
    "Health: passed",
    "Health: failed",
    "Health: not declared",
    "No route",
    "Locked",
    "forced",
    "Move anyway",
    "The move was refused:",
    "Moved",
    "Queued",
    "Saved",
    "Nothing selected",
    "Pickup",
    "Delivery",
    "No unassigned orders",
    "No planning runs yet",
    "Updated",
    "Connection lost; retrying",
    "Take this shipper off duty? Their orders not picked up go back to planning.",
    "Link valid until",
    "reason.too_heavy",
    "reason.window_unreachable",
    "reason.outside_shifts",
    "reason.no_vehicles",
    "reason.no_room",
    "reason.window_passed",
]


@lru_cache(maxsize=16)
def asset_version(name: str) -> str:
    """A content hash for cache-busting ``/static`` URLs."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {"asset": lambda name: f"/static/{name}?v={asset_version(name)}", **context}
    response = render(request, template, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _sign_in_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    context = {"form_token": token, "error": error}
    response = _page(request, "console/sign_in.html", context, status)
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="strict", path="/dispatcher", max_age=3600
    )
    return response


@router.get("")
def console_page(request: Request) -> Response:
    """The sign-in form, or (signed in as staff) the board."""
    page = read_session(request)
    if page is None or page.principal.role not in STAFF:
        return _sign_in_page(request)
    locale = i18n.request_locale(request)
    boot = {
        "csrf": page.csrf_token,
        "user": page.principal.name,
        "locale": locale,
        "timezone": get_settings().timezone,
        "poll_s": POLL_INTERVAL_S,
        "tiles": TILE_URL,
        "strings": i18n.catalog_dict(locale, SCRIPT_MSGIDS),
    }
    context = {"user": page.principal, "csrf_token": page.csrf_token, "boot": boot}
    return _page(request, "console/board.html", context)


@router.post("/sign-in")
def sign_in_form(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = "",
) -> Response:
    """Username and password; throttled per username by the sign-in service."""
    expected = request.cookies.get(FORM_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _sign_in_page(request, error="form_expired", status=403)
    try:
        principal = sign_in(session, username=username, password=password)
    except TooManyRequests:
        return _sign_in_page(request, error="throttled", status=429)
    except NotAuthenticated:
        # Returning normally commits the counted failure, as the service intends.
        return _sign_in_page(request, error="wrong_password", status=401)
    if principal.role not in STAFF:
        return _sign_in_page(request, error="not_staff", status=403)
    return _signed_in(principal)


def _signed_in(principal: Principal) -> Response:
    response = RedirectResponse("/dispatcher", status_code=303)
    start_session(response, principal)
    response.delete_cookie(FORM_COOKIE, path="/dispatcher")
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = ""
) -> Response:
    page = read_session(request)
    if page is not None:
        try:
            check_csrf(request, page, csrf_token)
        except DispatchError:
            return RedirectResponse("/dispatcher", status_code=303)
    response = RedirectResponse("/dispatcher", status_code=303)
    end_session(response)
    return response


@router.get("/lang/{locale}")
def choose_language(locale: str) -> Response:
    response = RedirectResponse("/dispatcher", status_code=303)
    if locale in i18n.SUPPORTED:
        response.set_cookie(i18n.LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/")
    return response
