"""The /dispatcher page: staff sign-in (throttled), the console, and its cookie + CSRF calls."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.pages.console import FORM_COOKIE
from dispatch.users.models import User
from tests.factories import make_shipper, make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def dispatcher(session: Session) -> User:
    user = make_user(session, password=PASSWORD)
    session.commit()  # a refused sign-in rolls back to here
    return user


def sign_in(client: TestClient, username: str, password: str) -> tuple[int, str]:
    client.get("/dispatcher")
    token = client.cookies.get(FORM_COOKIE) or ""
    answer = client.post(
        "/dispatcher/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return answer.status_code, answer.text


def boot(client: TestClient) -> dict[str, object]:
    page = client.get("/dispatcher").text
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', page, re.S)
    assert found is not None, "the console page carries no boot data"
    data: dict[str, object] = json.loads(found.group(1))
    return data


class TestSignIn:
    def test_the_page_asks_for_username_and_password(self, client: TestClient) -> None:
        page = client.get("/dispatcher")

        assert page.status_code == 200
        assert 'name="username"' in page.text
        assert 'name="password"' in page.text
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]

    def test_a_dispatcher_signs_in_and_sees_the_console(
        self, client: TestClient, dispatcher: User
    ) -> None:
        status, _ = sign_in(client, dispatcher.username, PASSWORD)

        assert status == 303
        assert boot(client)["user"] == dispatcher.username

    def test_a_wrong_password_is_refused(self, client: TestClient, dispatcher: User) -> None:
        status, _ = sign_in(client, dispatcher.username, "wrong-password")

        assert status == 401
        assert 'name="password"' in client.get("/dispatcher").text

    def test_repeated_failures_are_throttled(self, client: TestClient, dispatcher: User) -> None:
        for _ in range(5):
            sign_in(client, dispatcher.username, "wrong-password")

        status, _ = sign_in(client, dispatcher.username, PASSWORD)

        assert status == 429

    def test_a_shipper_cannot_use_the_console(self, client: TestClient, session: Session) -> None:
        shipper = make_shipper(session, pin="2468")
        session.commit()

        status, _ = sign_in(client, shipper.phone, "2468")

        assert status == 403

    def test_a_form_without_its_token_is_refused(
        self, client: TestClient, dispatcher: User
    ) -> None:
        answer = client.post(
            "/dispatcher/sign-in",
            data={"username": dispatcher.username, "password": PASSWORD},
            follow_redirects=False,
        )
        assert answer.status_code == 403

    def test_signing_out_ends_the_session(self, client: TestClient, dispatcher: User) -> None:
        sign_in(client, dispatcher.username, PASSWORD)
        csrf = str(boot(client)["csrf"])

        client.post("/dispatcher/sign-out", data={"csrf_token": csrf}, follow_redirects=False)

        assert client.get("/v1/board").status_code == 401


class TestCookieCalls:
    def test_the_board_is_read_with_the_session_cookie(
        self, client: TestClient, dispatcher: User
    ) -> None:
        sign_in(client, dispatcher.username, PASSWORD)

        assert client.get("/v1/board").status_code == 200

    def test_an_action_without_the_csrf_header_is_forbidden(
        self, client: TestClient, dispatcher: User
    ) -> None:
        sign_in(client, dispatcher.username, PASSWORD)

        answer = client.post("/v1/routes/1/lock")

        assert answer.status_code == 403

    def test_an_action_with_the_csrf_header_goes_through(
        self, client: TestClient, dispatcher: User
    ) -> None:
        sign_in(client, dispatcher.username, PASSWORD)
        csrf = str(boot(client)["csrf"])

        answer = client.post("/v1/routes/999999999/lock", headers={"X-CSRF-Token": csrf})

        assert answer.status_code == 404  # authorised; the route just does not exist
