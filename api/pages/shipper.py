"""``/shipper``: the shipper's phone page (sign-in, health declaration, route, actions).

The page is server-rendered once, then its script calls the same /v1 JSON endpoints with
the session cookie and the CSRF header, and keeps working offline (a service worker
caches the page; actions wait in a queue on the phone with their action ids).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from api.deps import SessionDep
from api.pages import i18n
from api.pages.sessions import CSRF_FIELD, check_csrf, end_session, read_session, start_session
from api.pages.templating import STATIC_DIR, render
from api.schemas.me import HealthDeclarationRead, RouteRead
from dispatch.auth.principal import Principal, Role
from dispatch.auth.service import sign_in
from dispatch.clock import utcnow
from dispatch.errors import NotAuthenticated, TooManyRequests
from dispatch.settings import get_settings
from dispatch.shippers.health import (
    SYMPTOMS,
    VACCINATION_STATUSES,
    declaration_for,
    health_questions,
)
from dispatch.shippers.models import Shipper
from dispatch.shippers.route_view import route_view
from dispatch.shippers.sign_in_links import consume_sign_in_link

router = APIRouter(prefix="/shipper", include_in_schema=False)

# Crawlers that fetch a pasted link to preview it (never a phone's browser or in-app view).
LINK_PREVIEWERS = re.compile(
    r"googlebot|bingbot|telegrambot|twitterbot|discordbot|slackbot|linkedinbot|whatsapp"
    r"|facebookexternalhit|skypeuripreview|embedly|crawler|spider",
    re.IGNORECASE,
)
FORM_COOKIE = "sd_form"  # double-submit token of the sign-in form (no session exists yet)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; "
        "style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# Strings the script shows; they live in the catalogues like every other page string.
SCRIPT_MSGIDS = [
    "Pick up",
    "Deliver",
    "Picked up",
    "Delivered",
    "Failed",
    "Cancelled",
    "Navigate",
    "Call",
    "Hand-off code",
    "Confirm code",
    "Take a photo instead",
    "Could not deliver",
    "Could not pick up",
    "Reason",
    "Note",
    "Confirm",
    "parcels",
    "COD",
    "Prepaid",
    "done",
    "left",
    "Offline: actions are saved and sent later",
    "Online",
    "Offline",
    "waiting to send",
    "No stops yet: the dispatcher will plan your route.",
    "Route finished. Thank you!",
    "Sending…",
    "Saved on the phone, will be sent when online",
    "Refused:",
    "You failed today's health declaration: you are off today's planning and the "
    "dispatcher has been told.",
    "Your session has ended: sign in again; waiting actions are kept.",
    "Photo is too large even after resizing",
    "Enter the code the recipient reads out",
    "Note needed for 'other'",
    "Ref",
    "ETA",
    "fail.recipient_unreachable",
    "fail.refused",
    "fail.wrong_address",
    "fail.area_locked_down",
    "fail.other",
    "handoff.leave_at_door",
    "handoff.leave_at_gate",
    "handoff.leave_with_guard",
    "handoff.parcel_locker",
    "handoff.call_on_arrival",
]


@lru_cache(maxsize=8)
def asset_version(name: str) -> str:
    """A content hash for cache-busting ``/static`` URLs (the service worker caches them)."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {"asset": lambda name: f"/static/{name}?v={asset_version(name)}", **context}
    response = render(request, template, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _sign_in_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    response = _page(request, "shipper/sign_in.html", {"form_token": token, "error": error}, status)
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="strict", path="/shipper", max_age=3600
    )
    return response


@router.get("")
def shipper_page(request: Request, session: SessionDep) -> Response:
    """The sign-in form, or (signed in) the declaration and the route."""
    page = read_session(request)
    if page is None or page.principal.role is not Role.SHIPPER:
        return _sign_in_page(request)
    shipper = session.get(Shipper, page.principal.id)
    if shipper is None:
        return _sign_in_page(request)
    return _page(request, "shipper/page.html", _boot(request, session, shipper, page.csrf_token))


def _boot(request: Request, session: SessionDep, shipper: Shipper, csrf: str) -> dict[str, Any]:
    locale = i18n.request_locale(request)
    declared = declaration_for(session, shipper_id=shipper.id)
    route = RouteRead.model_validate(route_view(session, shipper_id=shipper.id))
    boot = {
        "shipper_id": shipper.id,
        "csrf": csrf,
        "generated_at": utcnow().isoformat(),
        "locale": locale,
        "timezone": get_settings().timezone,
        "photo_max_bytes": get_settings().photo_max_bytes,
        "route": route.model_dump(mode="json"),
        "declaration": (
            HealthDeclarationRead.model_validate(declared).model_dump(mode="json")
            if declared
            else None
        ),
        "strings": i18n.catalog_dict(locale, SCRIPT_MSGIDS),
    }
    return {
        "shipper": shipper,
        "csrf_token": csrf,
        "declared": declared,
        "questions": health_questions(),
        "symptoms": SYMPTOMS,
        "vaccination_statuses": VACCINATION_STATUSES,
        "boot": boot,
    }


@router.post("/sign-in")
def sign_in_form(
    request: Request,
    session: SessionDep,
    phone: Annotated[str, Form(max_length=32)],
    pin: Annotated[str, Form(max_length=32)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = "",
) -> Response:
    """Phone and PIN; throttled per phone by the sign-in service."""
    expected = request.cookies.get(FORM_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _sign_in_page(request, error="form_expired", status=403)
    try:
        principal = sign_in(session, username=phone, password=pin)
    except TooManyRequests:
        return _sign_in_page(request, error="throttled", status=429)
    except NotAuthenticated:
        # Returning normally commits the counted failure, as the service intends.
        return _sign_in_page(request, error="wrong_pin", status=401)
    if principal.role is not Role.SHIPPER:
        return _sign_in_page(request, error="not_a_shipper", status=403)
    return _signed_in(principal)


@router.api_route("/link/{token}", methods=["GET", "HEAD"])
def sign_in_link(request: Request, session: SessionDep, token: str) -> Response:
    """A dispatcher's one-time link: sign in, then leave this URL at once.

    A chat app's link preview (a HEAD request or a crawler) must not spend the link
    before the shipper taps it: those get the sign-in page and the link stays valid.
    """
    if request.method == "HEAD" or LINK_PREVIEWERS.search(request.headers.get("user-agent", "")):
        return _sign_in_page(request)
    try:
        principal = consume_sign_in_link(session, token=token)
    except NotAuthenticated:
        return _sign_in_page(request, error="link_invalid", status=401)
    return _signed_in(principal)


def _signed_in(principal: Principal) -> Response:
    response = RedirectResponse("/shipper", status_code=303)
    start_session(response, principal)
    response.delete_cookie(FORM_COOKIE, path="/shipper")
    response.headers.update({"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = ""
) -> Response:
    response = RedirectResponse("/shipper", status_code=303)
    page = read_session(request)
    if page is not None:
        check_csrf(request, page, submitted=csrf_token)
        end_session(response)
    return response


@router.get("/lang/{locale}")
def switch_language(locale: str) -> Response:
    """Vietnamese or English, remembered in a cookie for a year."""
    response = RedirectResponse("/shipper", status_code=303)
    if locale in i18n.SUPPORTED:
        response.set_cookie(i18n.LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/sw.js")
def service_worker() -> Response:
    """The offline worker, allowed to control ``/shipper`` although it lives below it."""
    return FileResponse(
        STATIC_DIR / "shipper-sw.js",
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/shipper", "Cache-Control": "no-cache"},
    )
