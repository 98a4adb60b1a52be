"""``/dispatcher``: the dispatcher console (sign-in, the board, sign-out).

The page is rendered once; its script polls ``GET /v1/board`` (with its ETag, every few
seconds) and acts through the same /v1 JSON endpoints as any integration, with the session
cookie and the CSRF header, so every console action exists once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.deps import SessionDep
from api.pages import i18n
from api.pages.sessions import CSRF_FIELD, read_session
from api.pages.site import Site, security_headers
from dispatch.auth.principal import Role
from dispatch.settings import get_settings

router = APIRouter(prefix="/dispatcher", include_in_schema=False)

FORM_COOKIE = "sd_console_form"  # double-submit token of the sign-in form
POLL_INTERVAL_S = 5
TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
STAFF = (Role.DISPATCHER, Role.ADMIN)
SITE = Site(
    path="/dispatcher",
    form_cookie=FORM_COOKIE,
    sign_in_template="console/sign_in.html",
    roles=STAFF,
    headers=security_headers(img_src="'self' data: https://*.tile.openstreetmap.org"),
)
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


@router.get("")
def console_page(request: Request) -> Response:
    """The sign-in form, or (signed in as staff) the board."""
    page = read_session(request)
    if page is None or page.principal.role not in STAFF:
        return SITE.sign_in_page(request)
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
    return SITE.page(request, "console/board.html", context)


@router.post("/sign-in")
def sign_in_form(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = "",
) -> Response:
    """Username and password; throttled per username by the sign-in service."""
    return SITE.sign_in(
        request,
        session,
        username=username,
        password=password,
        form_token=csrf_token,
        wrong="wrong_password",
        wrong_role="not_staff",
    )


@router.post("/sign-out")
def sign_out(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = ""
) -> Response:
    return SITE.sign_out(request, csrf_token)


@router.get("/lang/{locale}")
def choose_language(locale: str) -> Response:
    return SITE.choose_language(locale)
