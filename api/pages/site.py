"""What the shipper page and the dispatcher console share: rendering with security headers
and cache-busted assets, and a password sign-in form guarded by a double-submit token
(no session exists yet to hold a CSRF token)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.pages import i18n
from api.pages.sessions import check_csrf, end_session, read_session, start_session
from api.pages.templating import STATIC_DIR, render
from dispatch.auth.principal import Principal, Role
from dispatch.auth.service import sign_in
from dispatch.errors import DispatchError, NotAuthenticated, TooManyRequests

FORM_TOKEN_TTL_S = 3600


@lru_cache(maxsize=32)
def asset_version(name: str) -> str:
    """A content hash for cache-busting ``/static`` URLs (the service worker caches them)."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def asset_url(name: str) -> str:
    return f"/static/{name}?v={asset_version(name)}"


def security_headers(*, img_src: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; img-src {img_src}; script-src 'self'; style-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


@dataclass(frozen=True)
class Site:
    """One signed-in page area (``/shipper`` or ``/dispatcher``)."""

    path: str
    form_cookie: str
    sign_in_template: str
    roles: tuple[Role, ...]
    headers: dict[str, str]

    def page(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        response = render(request, template, {"asset": asset_url, **context}, status_code=status)
        response.headers.update(self.headers)
        return response

    def sign_in_page(
        self, request: Request, *, error: str | None = None, status: int = 200
    ) -> Response:
        token = request.cookies.get(self.form_cookie) or secrets.token_urlsafe(24)
        context = {"form_token": token, "error": error}
        response = self.page(request, self.sign_in_template, context, status)
        response.set_cookie(
            self.form_cookie,
            token,
            httponly=True,
            samesite="strict",
            path=self.path,
            max_age=FORM_TOKEN_TTL_S,
        )
        return response

    def sign_in(
        self,
        request: Request,
        session: Session,
        *,
        username: str,
        password: str,
        form_token: str,
        wrong: str,
        wrong_role: str,
    ) -> Response:
        """Check the form token, sign in (throttled by the service), start the session."""
        expected = request.cookies.get(self.form_cookie, "")
        if not expected or not secrets.compare_digest(expected, form_token):
            return self.sign_in_page(request, error="form_expired", status=403)
        try:
            principal = sign_in(session, username=username, password=password)
        except TooManyRequests:
            return self.sign_in_page(request, error="throttled", status=429)
        except NotAuthenticated:
            # Returning normally commits the counted failure, as the service intends.
            return self.sign_in_page(request, error=wrong, status=401)
        if principal.role not in self.roles:
            return self.sign_in_page(request, error=wrong_role, status=403)
        return self.signed_in(principal)

    def signed_in(self, principal: Principal) -> Response:
        """Start the session and leave the sign-in URL (a link's token must not stay)."""
        response = RedirectResponse(self.path, status_code=303)
        start_session(response, principal)
        response.delete_cookie(self.form_cookie, path=self.path)
        response.headers.update({"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})
        return response

    def sign_out(self, request: Request, submitted: str) -> Response:
        """End the session; a request without the page's CSRF token changes nothing."""
        response = RedirectResponse(self.path, status_code=303)
        page = read_session(request)
        if page is None:
            return response
        try:
            check_csrf(request, page, submitted)
        except DispatchError:
            return response
        end_session(response)
        return response

    def choose_language(self, locale: str) -> Response:
        """Vietnamese or English, remembered in a cookie for a year."""
        response = RedirectResponse(self.path, status_code=303)
        if locale in i18n.SUPPORTED:
            response.set_cookie(
                i18n.LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/"
            )
        return response
