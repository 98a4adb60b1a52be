"""``/v1/me``: the shipper's health declaration and current route, and what staff see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dispatch.clock import local_today
from dispatch.enums import HandoffPreference, PaymentMethod
from dispatch.handoff import Report, pick_up
from tests.factories import (
    make_api_key,
    make_declaration,
    make_order,
    make_route,
    make_shipper,
    make_user,
    shipper_headers,
    staff_headers,
)

HEALTHY: dict[str, Any] = {
    "temperature_c": 36.5,
    "symptoms": [],
    "mask": True,
    "sanitizer": True,
    "test_date": (local_today() - timedelta(days=1)).isoformat(),
    "test_result": "negative",
}


class TestReadMe:
    def test_a_shipper_sees_the_questions_and_no_declaration_yet(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)

        answer = client.get("/v1/me", headers=shipper_headers(shipper))

        assert answer.status_code == 200
        body = answer.json()
        assert body["id"] == shipper.id
        assert "temperature" in body["health_questions"]
        assert body["declaration_today"] is None

    @pytest.mark.parametrize(
        ("method", "path"),
        [("GET", "/v1/me"), ("GET", "/v1/me/route"), ("POST", "/v1/me/health-declarations")],
    )
    @pytest.mark.parametrize("who", ["dispatcher", "sales_point", "nobody"])
    def test_only_a_shipper_has_a_me(
        self, session: Session, client: TestClient, method: str, path: str, who: str
    ) -> None:
        headers = {
            "dispatcher": staff_headers(make_user(session)),
            "sales_point": {"Authorization": f"Bearer {make_api_key(session)}"},
            "nobody": {},
        }[who]

        answer = client.request(method, path, json=HEALTHY, headers=headers)

        assert answer.status_code == (401 if who == "nobody" else 403)


class TestHealthDeclarations:
    def test_a_passing_declaration_is_created(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session)

        answer = client.post(
            "/v1/me/health-declarations", json=HEALTHY, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 201
        assert (answer.json()["passed"], answer.json()["failures"]) == (True, [])
        me = client.get("/v1/me", headers=shipper_headers(shipper)).json()
        assert me["declaration_today"]["passed"] is True

    def test_a_fever_fails_and_dispatchers_see_it(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        client.post(
            "/v1/me/health-declarations",
            json={**HEALTHY, "temperature_c": 38.1},
            headers=shipper_headers(shipper),
        )

        staff = staff_headers(make_user(session))
        failing = client.get("/v1/health-declarations?passed=false", headers=staff).json()
        history = client.get(f"/v1/shippers/{shipper.id}/health-declarations", headers=staff)

        assert [d["failures"] for d in failing if d["shipper_id"] == shipper.id] == [
            ["temperature"]
        ]
        assert history.json()[0]["passed"] is False

    def test_a_missing_answer_gets_422_naming_the_field(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        body = {k: v for k, v in HEALTHY.items() if k != "mask"}

        answer = client.post(
            "/v1/me/health-declarations", json=body, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 422
        assert [f["path"] for f in answer.json()["error"]["fields"]] == ["mask"]

    def test_an_unknown_field_is_refused(self, session: Session, client: TestClient) -> None:
        answer = client.post(
            "/v1/me/health-declarations",
            json={**HEALTHY, "feeling": "great"},
            headers=shipper_headers(make_shipper(session)),
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "feeling"

    def test_a_second_declaration_today_is_a_conflict(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        make_declaration(session, shipper, passed=False)

        answer = client.post(
            "/v1/me/health-declarations", json=HEALTHY, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 409

    def test_staff_lists_are_refused_to_shippers(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)

        answer = client.get(
            f"/v1/shippers/{shipper.id}/health-declarations", headers=shipper_headers(shipper)
        )

        assert answer.status_code == 403


class TestReadRoute:
    def test_no_route_yet_is_an_empty_route(self, session: Session, client: TestClient) -> None:
        answer = client.get("/v1/me/route", headers=shipper_headers(make_shipper(session)))

        assert answer.status_code == 200
        assert answer.json()["route_id"] is None
        assert answer.json()["stops"] == []

    def test_stops_come_in_order_with_pickup_and_delivery_details(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        order = make_order(
            session,
            recipient_name="Nguyễn Thị Mai",
            payment_method=PaymentMethod.COD,
            cod_amount_vnd=185_000,
            handoff_preference=HandoffPreference.LEAVE_WITH_GUARD,
            handoff_note="Để ở phòng bảo vệ tòa B",
        )
        route = make_route(session, shipper, [order])

        body = client.get("/v1/me/route", headers=shipper_headers(shipper)).json()

        assert body["route_id"] == route.id
        pickup, delivery = body["stops"]
        assert [pickup["kind"], delivery["kind"]] == ["pickup", "delivery"]
        assert pickup["pickup"]["sales_point_name"] == order.sales_point.name
        assert pickup["pickup"]["items"] == order.items
        assert pickup["eta"].endswith("+07:00")
        assert delivery["delivery"]["recipient_first_name"] == "Mai"
        assert delivery["delivery"]["cod_amount_vnd"] == 185_000
        assert delivery["delivery"]["handoff_preference"] == "leave_with_guard"
        assert f"{order.lat:.6f},{order.lon:.6f}" in delivery["navigation_url"]
        assert delivery["geo_uri"].startswith("geo:")
        assert body["progress"] == {"done": 0, "left": 2, "km_total": 12.0, "km_left": 12.0}

    def test_the_full_name_never_appears(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session)
        make_route(session, shipper, [make_order(session, recipient_name="Phạm Quang Huy")])

        text = client.get("/v1/me/route", headers=shipper_headers(shipper)).text

        assert "Huy" in text
        assert "Phạm" not in text

    def test_the_recipients_phone_shows_only_on_the_current_stop(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)
        first, second = make_order(session), make_order(session, recipient_phone="+84987654321")
        make_route(session, shipper, [first, second])
        for order in (first, second):
            pick_up(session, shipper_id=shipper.id, order_id=order.id, report=Report())

        stops = client.get("/v1/me/route", headers=shipper_headers(shipper)).json()["stops"]

        deliveries = [s for s in stops if s["kind"] == "delivery"]
        assert [s["is_current"] for s in deliveries] == [True, False]
        assert deliveries[0]["delivery"]["recipient_phone"] == first.recipient_phone
        assert deliveries[1]["delivery"]["recipient_phone"] is None

    def test_progress_counts_settled_stops(self, session: Session, client: TestClient) -> None:
        shipper = make_shipper(session)
        order = make_order(session)
        make_route(session, shipper, [order])
        pick_up(session, shipper_id=shipper.id, order_id=order.id, report=Report())

        progress = client.get("/v1/me/route", headers=shipper_headers(shipper)).json()["progress"]

        assert (progress["done"], progress["left"]) == (1, 1)

    def test_another_shippers_route_is_not_shown(
        self, session: Session, client: TestClient
    ) -> None:
        owner, other = make_shipper(session), make_shipper(session)
        make_route(session, owner, [make_order(session)])

        body = client.get("/v1/me/route", headers=shipper_headers(other)).json()

        assert body["stops"] == []


class TestSignInLinks:
    def test_a_dispatcher_gets_a_link_and_a_qr_code(
        self, session: Session, client: TestClient
    ) -> None:
        shipper = make_shipper(session)

        answer = client.post(
            f"/v1/shippers/{shipper.id}/sign-in-link", headers=staff_headers(make_user(session))
        )

        assert answer.status_code == 201
        body = answer.json()
        assert "/shipper/link/" in body["url"]
        assert body["qr_svg"].startswith("<svg")
        assert body["expires_at"].endswith("+07:00")

    @pytest.mark.parametrize("who", ["shipper", "sales_point"])
    def test_only_staff_may_issue_links(
        self, session: Session, client: TestClient, who: str
    ) -> None:
        shipper = make_shipper(session)
        headers = (
            shipper_headers(shipper)
            if who == "shipper"
            else {"Authorization": f"Bearer {make_api_key(session)}"}
        )

        answer = client.post(f"/v1/shippers/{shipper.id}/sign-in-link", headers=headers)

        assert answer.status_code == 403

    def test_an_unknown_shipper_is_404(self, session: Session, client: TestClient) -> None:
        answer = client.post(
            "/v1/shippers/999999/sign-in-link", headers=staff_headers(make_user(session))
        )

        assert answer.status_code == 404
