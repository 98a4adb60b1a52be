"""The ``/shipper`` page: sign-in (PIN or one-time link), cookie session with CSRF,
language, offline worker, and every string in both catalogues."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.pages.i18n import LOCALES_DIR
from api.pages.shipper import SCRIPT_MSGIDS
from api.pages.templating import TEMPLATES_DIR
from dispatch.auth.throttle import MAX_FAILURES
from dispatch.enums import FailureReason, HandoffPreference
from dispatch.shippers.health import SYMPTOMS, VACCINATION_STATUSES
from dispatch.shippers.models import Shipper
from dispatch.shippers.sign_in_links import issue_sign_in_link
from tests.factories import make_declaration, make_order, make_route, make_shipper

PIN = "2468"


def _form_token(client: TestClient) -> str:
    page = client.get("/shipper")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _sign_in(client: TestClient, shipper: Shipper, pin: str = PIN) -> int:
    token = _form_token(client)
    answer = client.post(
        "/shipper/sign-in",
        data={"phone": shipper.phone, "pin": pin, "csrf_token": token},
        follow_redirects=False,
    )
    return int(answer.status_code)


def _page_csrf(client: TestClient) -> str:
    found = re.search(r'"csrf": "([^"]+)"', client.get("/shipper").text)
    assert found is not None
    return found.group(1)


class TestSignInWithPin:
    def test_the_form_is_shown_when_signed_out(self, client: TestClient) -> None:
        page = client.get("/shipper")

        assert page.status_code == 200
        assert 'name="pin"' in page.text
        assert "Đăng nhập" in page.text  # Vietnamese by default

    def test_the_right_pin_starts_a_strict_httponly_session(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, pin=PIN)
        token = _form_token(client)

        answer = client.post(
            "/shipper/sign-in",
            data={"phone": shipper.phone, "pin": PIN, "csrf_token": token},
            follow_redirects=False,
        )

        assert (answer.status_code, answer.headers["location"]) == (303, "/shipper")
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "sd_session" in c)
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert shipper.name in client.get("/shipper").text

    def test_a_wrong_pin_shows_the_form_again_with_401(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, pin=PIN)

        assert _sign_in(client, shipper, pin="0000") == 401
        assert "sd_session" not in client.cookies

    def test_guessing_is_throttled(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session, pin=PIN)
        for _ in range(MAX_FAILURES):
            _sign_in(client, shipper, pin="0000")

        assert _sign_in(client, shipper, pin=PIN) == 429

    def test_a_form_post_without_its_token_is_refused(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, pin=PIN)

        answer = client.post(
            "/shipper/sign-in",
            data={"phone": shipper.phone, "pin": PIN, "csrf_token": "forged"},
            follow_redirects=False,
        )

        assert answer.status_code == 403
        assert "sd_session" not in client.cookies


class TestSignInLink:
    def test_a_link_signs_in_once_and_leaves_its_url(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        issued = issue_sign_in_link(session, shipper_id=shipper.id, issued_by_user_id=None)

        first = client.get(f"/shipper/link/{issued.token}", follow_redirects=False)
        client.cookies.clear()
        again = client.get(f"/shipper/link/{issued.token}", follow_redirects=False)

        assert (first.status_code, first.headers["location"]) == (303, "/shipper")
        assert first.headers["referrer-policy"] == "no-referrer"
        assert again.status_code == 401

    @pytest.mark.parametrize(
        ("method", "agent"),
        [
            ("HEAD", "Mozilla/5.0 (Linux; Android 11)"),
            ("GET", "facebookexternalhit/1.1"),
            ("GET", "TelegramBot (like TwitterBot)"),
        ],
    )
    def test_a_link_preview_does_not_spend_the_link(
        self, session: Session, client: TestClient, method: str, agent: str
    ) -> None:
        shipper = make_shipper(session)
        issued = issue_sign_in_link(session, shipper_id=shipper.id, issued_by_user_id=None)
        url = f"/shipper/link/{issued.token}"

        preview = client.request(method, url, headers={"User-Agent": agent})
        tap = client.get(url, follow_redirects=False)

        assert preview.status_code == 200
        assert "sd_session" not in preview.headers.get("set-cookie", "")
        assert tap.status_code == 303

    def test_an_expired_link_is_refused(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session)
        issued = issue_sign_in_link(
            session, shipper_id=shipper.id, issued_by_user_id=None, ttl=timedelta(seconds=-1)
        )

        answer = client.get(f"/shipper/link/{issued.token}", follow_redirects=False)

        assert answer.status_code == 401
        assert "sd_session" not in client.cookies


class TestCookieSession:
    def test_the_page_script_calls_the_api_with_the_csrf_header(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, pin=PIN)
        order = make_order(session)
        make_route(session, shipper, [order])
        _sign_in(client, shipper)
        csrf = _page_csrf(client)

        without = client.post(f"/v1/orders/{order.id}/pickup")
        with_token = client.post(f"/v1/orders/{order.id}/pickup", headers={"X-CSRF-Token": csrf})

        assert (without.status_code, with_token.status_code) == (403, 200)

    def test_signing_out_ends_the_session(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session, pin=PIN)
        _sign_in(client, shipper)

        client.post("/shipper/sign-out", data={"csrf_token": _page_csrf(client)})

        assert client.get("/v1/me").status_code == 401

    def test_the_declaration_form_goes_once_declared(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, pin=PIN)
        _sign_in(client, shipper)
        before = client.get("/shipper").text
        make_declaration(session, shipper)

        assert 'id="declare"' in before
        assert 'id="declare"' not in client.get("/shipper").text


class TestPageDelivery:
    def test_english_is_switchable(self, client: TestClient) -> None:
        client.get("/shipper/lang/en")

        assert "Sign in" in client.get("/shipper").text

    def test_the_service_worker_may_control_the_page(self, client: TestClient) -> None:
        answer = client.get("/shipper/sw.js")

        assert answer.status_code == 200
        assert answer.headers["service-worker-allowed"] == "/shipper"
        assert "javascript" in answer.headers["content-type"]

    def test_the_script_is_served_compressed(self, client: TestClient) -> None:
        answer = client.get("/static/shipper.js", headers={"Accept-Encoding": "gzip"})

        assert answer.headers["content-encoding"] == "gzip"


class TestCatalogues:
    @pytest.mark.parametrize("locale", ["vi", "en"])
    def test_every_string_of_the_page_is_translated(self, locale: str) -> None:
        catalogue = (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").read_text()
        known = set(re.findall(r'^msgid "(.+)"$', catalogue, flags=re.MULTILINE))

        assert set(_template_msgids()) - known == set()
        assert set(SCRIPT_MSGIDS) - known == set()
        assert set(_keyed_msgids()) - known == set()


def _template_msgids() -> list[str]:
    found: list[str] = []
    for template in Path(TEMPLATES_DIR, "shipper").glob("*.html"):
        text = template.read_text()
        found += re.findall(r"""_\("([^"]+)"\)""", text)
        found += re.findall(r"""_\('([^']+)'\)""", text)
    return found


def _keyed_msgids() -> list[str]:
    """Labels looked up by an enum's value, so a new value cannot go untranslated."""
    return (
        [f"fail.{reason.value}" for reason in FailureReason]
        + [f"handoff.{wish.value}" for wish in HandoffPreference]
        + [f"symptom.{name}" for name in SYMPTOMS]
        + [f"vaccination.{status}" for status in VACCINATION_STATUSES]
    )
