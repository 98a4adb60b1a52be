"""Pickup, hand-off (code or photo) and failure over HTTP: every action, every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.enums import OrderStatus
from dispatch.handoff import MAX_CODE_ATTEMPTS
from dispatch.orders.models import Order, OrderEvent
from dispatch.settings import get_settings
from dispatch.shippers.models import Shipper
from tests.factories import (
    make_api_key,
    make_order,
    make_route,
    make_shipper,
    make_user,
    shipper_headers,
    staff_headers,
)

JPEG = b"\xff\xd8\xff\xe0" + b"\x10" * 5_000
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("pickup", {}),
    ("handoff", {"code": "123456"}),
    ("fail", {"reason": "refused"}),
]


def _on_route(session: Session, *, picked_up: bool = False) -> tuple[Shipper, Order]:
    shipper = make_shipper(session)
    order = make_order(session)
    make_route(session, shipper, [order])
    if picked_up:
        order.status = OrderStatus.PICKED_UP
        session.flush()
    return shipper, order


def _events(session: Session, order: Order, kind: str) -> list[OrderEvent]:
    return list(session.scalars(select(OrderEvent).filter_by(order_id=order.id, kind=kind)))


class TestPickup:
    def test_pickup_answers_the_new_status_and_records_the_position(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session)

        answer = client.post(
            f"/v1/orders/{order.id}/pickup",
            json={"lat": 21.0245, "lon": 105.912},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 200
        assert answer.json()["status"] == "picked_up"
        (event,) = [e for e in order.events if e.to_status is OrderStatus.PICKED_UP]
        assert (event.lat, event.lon) == (21.0245, 105.912)

    def test_pickup_needs_no_body(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session)

        answer = client.post(f"/v1/orders/{order.id}/pickup", headers=shipper_headers(shipper))

        assert answer.status_code == 200

    def test_a_half_position_is_refused_naming_the_field(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session)

        answer = client.post(
            f"/v1/orders/{order.id}/pickup", json={"lat": 21.02}, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "lon"
        assert order.status is OrderStatus.ASSIGNED


class TestHandoffWithCode:
    def test_the_recipients_code_delivers(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            json={"code": order.handoff_code, "lat": 21.03, "lon": 105.85},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 200
        assert answer.json()["status"] == "delivered"
        assert answer.json()["action"] == "handoff_code"

    def test_hand_off_before_pickup_is_409(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            json={"code": order.handoff_code},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 409
        assert answer.json()["error"]["code"] == "illegal_transition"

    def test_a_wrong_code_is_422_on_the_code_and_is_counted(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff", json={"code": "0"}, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["fields"][0]["path"] == "code"
        assert error["attempts_left"] == MAX_CODE_ATTEMPTS - 1
        assert order.handoff_attempts == 1

    def test_too_many_wrong_codes_lock_with_429(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)
        url = f"/v1/orders/{order.id}/handoff"
        for _ in range(MAX_CODE_ATTEMPTS - 1):
            client.post(url, json={"code": "0"}, headers=shipper_headers(shipper))

        locking = client.post(url, json={"code": "0"}, headers=shipper_headers(shipper))
        right_but_late = client.post(
            url, json={"code": order.handoff_code}, headers=shipper_headers(shipper)
        )

        assert (locking.status_code, right_but_late.status_code) == (429, 429)
        assert len(_events(session, order, "handoff_code_locked")) == 1
        assert order.status is OrderStatus.PICKED_UP

    def test_a_code_handoff_without_a_code_is_422(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff", json={"lat": 21.0}, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 422
        assert "code" in [f["path"] for f in answer.json()["error"]["fields"]]


class TestHandoffWithPhoto:
    def test_a_photo_delivers_and_the_dispatcher_can_see_it(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            files={"photo": ("door.jpg", JPEG, "image/jpeg")},
            data={"lat": "21.03", "lon": "105.85"},
            headers=shipper_headers(shipper),
        )
        staff = staff_headers(make_user(session))
        proof = client.get(f"/v1/orders/{order.id}/proof", headers=staff).json()
        photo = client.get(proof["photo_url"], headers=staff)

        assert answer.status_code == 200
        assert answer.json()["action"] == "handoff_photo"
        assert (proof["kind"], proof["lat"]) == ("photo", 21.03)
        assert (photo.content, photo.headers["content-type"]) == (JPEG, "image/jpeg")

    def test_a_photo_over_the_limit_is_413(
        self, session: Session, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "photo_max_bytes", 2_000)
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            files={"photo": ("door.jpg", JPEG, "image/jpeg")},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 413
        assert order.status is OrderStatus.PICKED_UP

    def test_a_file_that_is_not_an_image_is_422(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            files={"photo": ("door.jpg", b"<html>not a photo</html>", "image/jpeg")},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "photo"

    def test_a_form_without_the_photo_is_422(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/handoff",
            files={"picture": ("door.jpg", JPEG, "image/jpeg")},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "photo"

    def test_the_proof_is_hidden_from_other_sales_points(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session, picked_up=True)
        client.post(
            f"/v1/orders/{order.id}/handoff",
            json={"code": order.handoff_code},
            headers=shipper_headers(shipper),
        )

        owner = client.get(
            f"/v1/orders/{order.id}/proof",
            headers={"Authorization": f"Bearer {make_api_key(session, order.sales_point)}"},
        )
        stranger = client.get(
            f"/v1/orders/{order.id}/proof",
            headers={"Authorization": f"Bearer {make_api_key(session)}"},
        )

        assert (owner.status_code, owner.json()["kind"]) == (200, "code")
        assert stranger.status_code == 404


class TestFail:
    def test_failure_with_a_reason_is_recorded(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/fail",
            json={"reason": "wrong_address", "lat": 21.0, "lon": 105.8},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 200
        assert answer.json()["status"] == "failed"
        (event,) = [e for e in order.events if e.to_status is OrderStatus.FAILED]
        assert (event.reason, event.lat) == ("wrong_address", 21.0)

    def test_other_needs_a_note(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/fail",
            json={"reason": "other"},
            headers=shipper_headers(shipper),
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "note"

    def test_an_unknown_reason_is_422(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)

        answer = client.post(
            f"/v1/orders/{order.id}/fail", json={"reason": "rain"}, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "reason"


class TestAuthorisation:
    @pytest.mark.parametrize(("action", "body"), ACTIONS)
    def test_another_shippers_order_is_404(
        self, session: Session, client: TestClient, action: str, body: dict[str, Any]
    ) -> None:
        _owner, order = _on_route(session, picked_up=action == "handoff")
        intruder, _theirs = _on_route(session)

        answer = client.post(
            f"/v1/orders/{order.id}/{action}", json=body, headers=shipper_headers(intruder)
        )

        assert answer.status_code == 404
        assert order.status in (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP)

    @pytest.mark.parametrize(("action", "body"), ACTIONS)
    def test_an_order_on_no_route_is_404(
        self, session: Session, client: TestClient, action: str, body: dict[str, Any]
    ) -> None:
        shipper, _order = _on_route(session)
        stray = make_order(session)

        answer = client.post(
            f"/v1/orders/{stray.id}/{action}", json=body, headers=shipper_headers(shipper)
        )

        assert answer.status_code == 404

    @pytest.mark.parametrize(("action", "body"), ACTIONS)
    def test_staff_and_sales_points_cannot_act_as_shippers(
        self, session: Session, client: TestClient, action: str, body: dict[str, Any]
    ) -> None:
        _shipper, order = _on_route(session)

        by_staff = client.post(
            f"/v1/orders/{order.id}/{action}", json=body, headers=staff_headers(make_user(session))
        )
        by_sales_point = client.post(
            f"/v1/orders/{order.id}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {make_api_key(session, order.sales_point)}"},
        )

        assert (by_staff.status_code, by_sales_point.status_code) == (403, 403)


class TestOfflineReplay:
    def test_the_same_action_id_applies_once_and_answers_the_same(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session)
        headers = {**shipper_headers(shipper), "Idempotency-Key": "3f2b9c1e-0001"}

        first = client.post(f"/v1/orders/{order.id}/pickup", headers=headers)
        replay = client.post(f"/v1/orders/{order.id}/pickup", headers=headers)

        assert (first.status_code, replay.status_code) == (200, 200)
        assert replay.json() == first.json()
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert len([e for e in order.events if e.to_status is OrderStatus.PICKED_UP]) == 1

    def test_the_action_id_may_come_in_the_body(self, session: Session, client: TestClient) -> None:
        shipper, order = _on_route(session, picked_up=True)
        body = {"code": order.handoff_code, "action_id": "3f2b9c1e-0002"}

        first = client.post(
            f"/v1/orders/{order.id}/handoff", json=body, headers=shipper_headers(shipper)
        )
        replay = client.post(
            f"/v1/orders/{order.id}/handoff", json=body, headers=shipper_headers(shipper)
        )

        assert (first.status_code, replay.status_code) == (200, 200)
        assert replay.json()["action_id"] == "3f2b9c1e-0002"

    def test_a_replayed_wrong_code_is_not_counted_twice(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session, picked_up=True)
        body = {"code": "0", "action_id": "3f2b9c1e-0003"}
        url = f"/v1/orders/{order.id}/handoff"

        first = client.post(url, json=body, headers=shipper_headers(shipper))
        replay = client.post(url, json=body, headers=shipper_headers(shipper))

        assert (first.status_code, replay.status_code) == (422, 422)
        assert replay.json() == first.json()
        assert order.handoff_attempts == 1

    def test_header_and_body_ids_that_differ_are_refused(
        self, session: Session, client: TestClient
    ) -> None:
        shipper, order = _on_route(session)

        answer = client.post(
            f"/v1/orders/{order.id}/pickup",
            json={"action_id": "3f2b9c1e-0004"},
            headers={**shipper_headers(shipper), "Idempotency-Key": "3f2b9c1e-0005"},
        )

        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["path"] == "action_id"
