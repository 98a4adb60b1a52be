"""``POST /v1/auth/token``: staff sign in with username and password, shippers with phone
and PIN; failures are 401 in the one error shape, guessing is throttled, tokens work."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.auth.models import LoginAttempt
from dispatch.auth.throttle import MAX_FAILURES
from dispatch.enums import UserRole
from tests.factories import bearer, make_shipper, make_user

PASSWORD = "correct-horse-battery"


def sign_in(client: TestClient, username: str, password: str) -> Response:
    answer: Response = client.post(
        "/v1/auth/token", data={"username": username, "password": password}
    )
    return answer


def assert_error(answer: Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["fields"], list)
    return error


class TestStaffSignIn:
    @pytest.mark.parametrize("role", list(UserRole))
    def test_username_and_password_give_a_bearer_token_for_the_role(
        self, session: Session, client: TestClient, role: UserRole
    ) -> None:
        user = make_user(session, username="dieuphoi.hn", role=role)

        answer = sign_in(client, "dieuphoi.hn", PASSWORD)

        assert answer.status_code == 200
        body = answer.json()
        assert (body["token_type"], body["role"], body["id"]) == ("bearer", role.value, user.id)
        assert body["expires_in"] > 0
        assert body["access_token"]

    def test_the_token_opens_a_staff_endpoint(self, session: Session, client: TestClient) -> None:
        make_user(session, username="dieuphoi.hn")
        token = sign_in(client, "dieuphoi.hn", PASSWORD).json()["access_token"]

        answer = client.get("/v1/shippers", headers=bearer(token))

        assert answer.status_code == 200

    def test_a_wrong_password_is_401_in_the_error_shape(
        self, session: Session, client: TestClient
    ) -> None:
        make_user(session, username="dieuphoi.hn")

        answer = sign_in(client, "dieuphoi.hn", "wrong-password")

        assert_error(answer, 401, "not_authenticated")
        assert answer.headers["WWW-Authenticate"] == "Bearer"

    def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(
        self, session: Session, client: TestClient
    ) -> None:
        make_user(session, username="dieuphoi.hn")

        unknown = sign_in(client, "nobody", PASSWORD)
        wrong = sign_in(client, "dieuphoi.hn", "wrong-password")

        assert unknown.status_code == wrong.status_code == 401
        assert unknown.json() == wrong.json()

    def test_an_inactive_user_cannot_sign_in(self, session: Session, client: TestClient) -> None:
        user = make_user(session, username="dieuphoi.hn")
        user.active = False
        session.flush()

        assert_error(sign_in(client, "dieuphoi.hn", PASSWORD), 401, "not_authenticated")

    def test_a_token_of_a_since_deactivated_user_is_refused(
        self, session: Session, client: TestClient
    ) -> None:
        user = make_user(session, username="dieuphoi.hn")
        token = sign_in(client, "dieuphoi.hn", PASSWORD).json()["access_token"]
        user.active = False
        session.flush()

        assert_error(client.get("/v1/shippers", headers=bearer(token)), 401, "not_authenticated")

    def test_missing_form_fields_are_422_naming_them(self, client: TestClient) -> None:
        answer = client.post("/v1/auth/token", data={"username": "dieuphoi.hn"})

        error = assert_error(answer, 422, "validation_failed")
        assert [field["path"] for field in error["fields"]] == ["password"]


class TestShipperSignIn:
    @pytest.mark.parametrize(
        "typed", ["0912 345 678", "0912345678", "+84912345678", "+84 912 345 678"]
    )
    def test_phone_in_any_usual_form_and_pin_give_a_shipper_token(
        self, session: Session, client: TestClient, typed: str
    ) -> None:
        shipper = make_shipper(session, phone="0912345678", pin="2468")

        answer = sign_in(client, typed, "2468")

        assert answer.status_code == 200
        assert (answer.json()["role"], answer.json()["id"]) == ("shipper", shipper.id)

    def test_the_token_opens_the_shippers_own_page_data(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session, phone="0912345678", pin="2468")
        token = sign_in(client, "0912345678", "2468").json()["access_token"]

        answer = client.get("/v1/me", headers=bearer(token))

        assert answer.status_code == 200
        assert answer.json()["id"] == shipper.id

    def test_a_shipper_token_does_not_open_staff_endpoints(
        self, session: Session, client: TestClient
    ) -> None:
        make_shipper(session, phone="0912345678", pin="2468")
        token = sign_in(client, "0912345678", "2468").json()["access_token"]

        assert_error(client.get("/v1/shippers", headers=bearer(token)), 403, "forbidden")

    def test_a_wrong_pin_is_401(self, session: Session, client: TestClient) -> None:
        make_shipper(session, phone="0912345678", pin="2468")

        assert_error(sign_in(client, "0912345678", "1357"), 401, "not_authenticated")


class TestThrottling:
    def test_after_five_failures_the_sixth_attempt_is_429_even_with_the_right_password(
        self, session: Session, client: TestClient
    ) -> None:
        make_user(session, username="dieuphoi.hn")
        failures = [sign_in(client, "dieuphoi.hn", f"guess-{n}") for n in range(MAX_FAILURES)]

        sixth = sign_in(client, "dieuphoi.hn", PASSWORD)

        assert [answer.status_code for answer in failures] == [401] * MAX_FAILURES
        assert MAX_FAILURES == 5
        assert_error(sixth, 429, "too_many_requests")

    def test_throttling_is_per_username(self, session: Session, client: TestClient) -> None:
        make_user(session, username="dieuphoi.hn")
        make_user(session, username="quantri.hn", role=UserRole.ADMIN)
        for n in range(MAX_FAILURES):
            sign_in(client, "dieuphoi.hn", f"guess-{n}")

        assert sign_in(client, "quantri.hn", PASSWORD).status_code == 200

    def test_a_success_clears_the_earlier_failures(
        self, session: Session, client: TestClient
    ) -> None:
        make_user(session, username="dieuphoi.hn")
        for n in range(MAX_FAILURES - 1):
            sign_in(client, "dieuphoi.hn", f"guess-{n}")
        counted = session.scalar(select(func.count()).select_from(LoginAttempt))

        assert sign_in(client, "dieuphoi.hn", PASSWORD).status_code == 200

        assert counted == MAX_FAILURES - 1
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


class TestBearer:
    def test_no_credentials_is_401(self, client: TestClient) -> None:
        assert_error(client.get("/v1/shippers"), 401, "not_authenticated")

    def test_a_forged_token_is_401(self, session: Session, client: TestClient) -> None:
        make_user(session, username="dieuphoi.hn")
        token = sign_in(client, "dieuphoi.hn", PASSWORD).json()["access_token"]

        answer = client.get("/v1/shippers", headers=bearer(token[:-2] + "xx"))

        assert_error(answer, 401, "not_authenticated")
