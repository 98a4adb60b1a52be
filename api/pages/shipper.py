"""``/shipper``: the shipper's phone page (sign-in, health declaration, route, actions).

The page is server-rendered once, then its script calls the same /v1 JSON endpoints with
the session cookie and the CSRF header, and keeps working offline (a service worker
caches the page; actions wait in a queue on the phone with their action ids).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse

from api.deps import SessionDep
from api.pages import i18n
from api.pages.sessions import CSRF_FIELD, read_session
from api.pages.site import Site, security_headers
from api.pages.templating import STATIC_DIR
from api.schemas.me import HealthDeclarationRead, RouteRead
from dispatch.auth.principal import Role
from dispatch.clock import utcnow
from dispatch.errors import NotAuthenticated
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
SITE = Site(
    path="/shipper",
    form_cookie=FORM_COOKIE,
    sign_in_template="shipper/sign_in.html",
    roles=(Role.SHIPPER,),
    headers=security_headers(img_src="'self' data: blob:"),
)
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


@router.get("")
def shipper_page(request: Request, session: SessionDep) -> Response:
    """The sign-in form, or (signed in) the declaration and the route."""
    page = read_session(request)
    if page is None or page.principal.role is not Role.SHIPPER:
        return SITE.sign_in_page(request)
    shipper = session.get(Shipper, page.principal.id)
    if shipper is None:
        return SITE.sign_in_page(request)
    return SITE.page(
        request, "shipper/page.html", _boot(request, session, shipper, page.csrf_token)
    )


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
    return SITE.sign_in(
        request,
        session,
        username=phone,
        password=pin,
        form_token=csrf_token,
        wrong="wrong_pin",
        wrong_role="not_a_shipper",
    )


@router.api_route("/link/{token}", methods=["GET", "HEAD"])
def sign_in_link(request: Request, session: SessionDep, token: str) -> Response:
    """A dispatcher's one-time link: sign in, then leave this URL at once.

    A chat app's link preview (a HEAD request or a crawler) must not spend the link
    before the shipper taps it: those get the sign-in page and the link stays valid.
    """
    if request.method == "HEAD" or LINK_PREVIEWERS.search(request.headers.get("user-agent", "")):
        return SITE.sign_in_page(request)
    try:
        principal = consume_sign_in_link(session, token=token)
    except NotAuthenticated:
        return SITE.sign_in_page(request, error="link_invalid", status=401)
    return SITE.signed_in(principal)


@router.post("/sign-out")
def sign_out(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = ""
) -> Response:
    return SITE.sign_out(request, csrf_token)


@router.get("/lang/{locale}")
def switch_language(locale: str) -> Response:
    return SITE.choose_language(locale)


@router.get("/sw.js")
def service_worker() -> Response:
    """The offline worker, allowed to control ``/shipper`` although it lives below it."""
    return FileResponse(
        STATIC_DIR / "shipper-sw.js",
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/shipper", "Cache-Control": "no-cache"},
    )
