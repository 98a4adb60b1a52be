"""POST /v1/orders: validation with field paths, geocoding, idempotency and duplicates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.clock import local_now
from dispatch.enums import OrderStatus
from dispatch.orders.models import IdempotencyRecord, Order, OrderEvent
from tests.factories import make_api_key, make_sales_point, make_shipper
from tests.payloads import iso, order_body, without_coordinates


@pytest.fixture
def key(session: Session) -> str:
    plaintext = make_api_key(session)
    session.commit()  # a savepoint: a request that fails must not roll the key back
    return plaintext


def post(client: TestClient, key: str, body: Any, **headers: str) -> Any:
    return client.post(
        "/v1/orders", json=body, headers={"Authorization": f"Bearer {key}", **headers}
    )


def field_paths(response: Any) -> list[str]:
    return [f["path"] for f in response.json()["error"]["fields"]]


def count_orders(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order)) or 0


class TestCreateOrder:
    def test_a_valid_order_is_created_pending_with_tracking_url_and_handoff_code(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        response = post(client, key, order_body(external_ref="LIVE-1"))

        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "pending"
        assert body["external_ref"] == "LIVE-1"
        assert body["tracking_url"].startswith("http")
        assert "/t/" in body["tracking_url"]
        assert len(body["handoff_code"]) == 6
        assert body["handoff_code"].isdigit()
        assert body["geocode_precision"] == "given"
        order = session.get(Order, body["id"])
        assert order is not None
        assert order.status is OrderStatus.PENDING

    def test_the_phone_number_is_stored_in_international_form(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = order_body(recipient={"phone": "024 3825 1234"})

        order_id = post(client, key, body).json()["id"]

        order = session.get(Order, order_id)
        assert order is not None
        assert order.recipient_phone == "+842438251234"

    def test_creating_an_order_writes_a_created_event_by_the_sales_point(
        self, client: TestClient, session: Session
    ) -> None:
        sales_point = make_sales_point(session)
        order_id = post(client, make_api_key(session, sales_point), order_body()).json()["id"]

        event = session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id)).one()
        assert (event.kind, event.actor_kind.value, event.actor_id) == (
            "created",
            "sales_point",
            sales_point.id,
        )

    def test_without_credentials_the_answer_is_401(self, client: TestClient) -> None:
        assert client.post("/v1/orders", json=order_body()).status_code == 401


class TestOrderValidation:
    @pytest.mark.parametrize(
        ("overrides", "path"),
        [
            ({"recipient": {"phone": "0123"}}, "recipient.phone"),
            ({"recipient": {"phone": "+1 212 555 0100"}}, "recipient.phone"),
            ({"weight_kg": -1}, "weight_kg"),
            ({"weight_kg": 0}, "weight_kg"),
            ({"weight_kg": 400}, "weight_kg"),
            ({"parcels": 0}, "parcels"),
            ({"parcels": 500}, "parcels"),
            ({"status": "delivered"}, "status"),
            ({"shipper_id": 1}, "shipper_id"),
            ({"sales_point_id": 2}, "sales_point_id"),
            ({"payment": {"method": "cod", "cod_amount_vnd": 0}}, "payment"),
            ({"payment": {"method": "prepaid", "cod_amount_vnd": 1000}}, "payment"),
            ({"payment": {"method": "cod", "cod_amount_vnd": -5}}, "payment.cod_amount_vnd"),
            ({"handoff": {"preference": "throw_over_fence"}}, "handoff.preference"),
            ({"recipient": {"lat": 10.7769, "lon": 106.7009}}, "recipient.lat"),
            ({"recipient": {"lat": 21.02, "lon": None}}, "recipient"),
            ({"items": [{"name": "Gạo", "quantity": 0}]}, "items.0.quantity"),
        ],
    )
    def test_a_bad_field_gets_422_naming_it(
        self, client: TestClient, session: Session, key: str, overrides: dict[str, Any], path: str
    ) -> None:
        response = post(client, key, order_body(**overrides))

        assert response.status_code == 422, response.text
        assert path in field_paths(response)
        assert count_orders(session) == 0

    def test_a_window_in_the_past_gets_422_on_its_end(self, client: TestClient, key: str) -> None:
        yesterday = local_now() - timedelta(days=1)
        window = {"start": iso(yesterday), "end": iso(yesterday + timedelta(hours=2))}

        response = post(client, key, order_body(window=window))

        assert response.status_code == 422
        assert field_paths(response) == ["window.end"]
        assert "already over" in response.json()["error"]["message"]

    def test_a_window_ending_before_it_starts_gets_422(self, client: TestClient, key: str) -> None:
        start = local_now() + timedelta(days=1)
        window = {"start": iso(start), "end": iso(start - timedelta(hours=1))}

        response = post(client, key, order_body(window=window))

        assert (response.status_code, field_paths(response)) == (422, ["window.end"])

    def test_a_window_without_utc_offset_gets_422_explaining_the_format(
        self, client: TestClient, key: str
    ) -> None:
        window = {"start": "2031-08-02T09:00:00", "end": "2031-08-02T12:00:00+07:00"}

        response = post(client, key, order_body(window=window))

        assert response.status_code == 422
        assert field_paths(response) == ["window.start"]
        assert "+07:00" in response.json()["error"]["fields"][0]["message"]

    def test_the_weight_limit_is_the_largest_shipper_vehicle(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        make_shipper(session, capacity_kg=120.0)

        assert post(client, key, order_body(weight_kg=100)).status_code == 201
        response = post(client, key, order_body(weight_kg=130))
        assert response.status_code == 422
        assert "120 kg" in response.json()["error"]["fields"][0]["message"]

    def test_the_weight_limit_follows_the_fleet_from_the_next_order(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        van = make_shipper(session, capacity_kg=120.0)
        session.commit()  # a savepoint: the refused request must not roll the van back
        assert post(client, key, order_body(weight_kg=130)).status_code == 422

        van.capacity_kg = 150.0
        session.commit()
        assert post(client, key, order_body(weight_kg=130)).status_code == 201

        van.capacity_kg = 100.0
        session.commit()
        response = post(client, key, order_body(weight_kg=130))
        assert (response.status_code, field_paths(response)) == (422, ["weight_kg"])
        assert "100 kg" in response.json()["error"]["fields"][0]["message"]

    def test_the_parcel_limit_is_what_the_largest_vehicle_holds(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        make_shipper(session, capacity_parcels=6)

        assert post(client, key, order_body(parcels=6)).status_code == 201
        response = post(client, key, order_body(parcels=7))
        assert (response.status_code, field_paths(response)) == (422, ["parcels"])
        assert "(6)" in response.json()["error"]["fields"][0]["message"]

    def test_an_order_over_the_limit_stores_nothing(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        make_shipper(session, capacity_kg=20.0)

        post(client, key, order_body(weight_kg=25), **{"Idempotency-Key": "too-heavy"})

        assert count_orders(session) == 0
        assert session.scalar(select(func.count()).select_from(OrderEvent)) == 0

    def test_the_error_has_the_one_documented_shape(self, client: TestClient, key: str) -> None:
        response = post(client, key, order_body(weight_kg=-1))

        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert error["code"] == "validation_failed"
        assert set(error["fields"][0]) == {"path", "message"}


class TestGeocodedIntake:
    def test_an_order_without_coordinates_is_placed_by_its_ward(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = without_coordinates(order_body(), "24 phố Tràng Tiền, P. Tràng Tiền, Q. Hoàn Kiếm")

        response = post(client, key, body)

        assert response.status_code == 201
        assert response.json()["geocode_precision"] == "ward"
        order = session.get(Order, response.json()["id"])
        assert order is not None
        assert (order.ward, order.district) == ("Tràng Tiền", "Hoàn Kiếm")

    def test_an_address_naming_only_a_district_is_placed_by_the_district(
        self, client: TestClient, key: str
    ) -> None:
        body = without_coordinates(order_body(), "thôn Đình, xã Đông Hội, huyện Đông Anh, HN")

        assert post(client, key, body).json()["geocode_precision"] == "district"

    def test_an_address_that_places_nothing_gets_422_asking_for_coordinates(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = without_coordinates(order_body(), "nhà có cây bàng to, đầu ngõ")

        response = post(client, key, body)

        assert response.status_code == 422
        assert field_paths(response) == ["recipient.address"]
        assert "coordinates" in response.json()["error"]["message"]
        assert count_orders(session) == 0


class TestIdempotency:
    def test_a_replay_returns_the_first_answer_and_creates_nothing(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = order_body()
        first = post(client, key, body, **{"Idempotency-Key": "k-1"})

        replay = post(client, key, body, **{"Idempotency-Key": "k-1"})

        assert (replay.status_code, replay.json()) == (first.status_code, first.json())
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert count_orders(session) == 1

    def test_the_same_key_with_another_body_gets_422(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        post(client, key, order_body(), **{"Idempotency-Key": "k-2"})

        response = post(client, key, order_body(), **{"Idempotency-Key": "k-2"})

        assert response.status_code == 422
        assert field_paths(response) == ["Idempotency-Key"]
        assert count_orders(session) == 1

    def test_keys_are_scoped_to_the_sales_point(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        other = make_api_key(session)
        post(client, key, order_body(), **{"Idempotency-Key": "shared"})

        response = post(client, other, order_body(), **{"Idempotency-Key": "shared"})

        assert response.status_code == 201
        assert count_orders(session) == 2

    def test_an_expired_key_is_taken_as_new(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = order_body(external_ref=None)
        post(client, key, body, **{"Idempotency-Key": "old"})
        record = session.scalars(select(IdempotencyRecord)).one()
        record.expires_at = record.created_at - timedelta(seconds=1)
        session.flush()

        response = post(client, key, body, **{"Idempotency-Key": "old"})

        assert "Idempotent-Replayed" not in response.headers
        assert count_orders(session) == 2

    def test_a_failed_request_stores_nothing_so_a_fixed_retry_succeeds(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        body = order_body(weight_kg=999)
        assert post(client, key, body, **{"Idempotency-Key": "k-3"}).status_code == 422

        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0

    def test_a_key_with_spaces_is_refused(self, client: TestClient, key: str) -> None:
        response = post(client, key, order_body(), **{"Idempotency-Key": "two words"})

        assert (response.status_code, field_paths(response)) == (422, ["Idempotency-Key"])


class TestExternalRef:
    def test_a_second_order_with_the_same_reference_gets_409_and_the_existing_id(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        first = post(client, key, order_body(external_ref="LIVE-77")).json()

        response = post(client, key, order_body(external_ref="LIVE-77"))

        assert response.status_code == 409
        error = response.json()["error"]
        assert (error["code"], error["existing_id"]) == ("duplicate_external_ref", first["id"])
        assert count_orders(session) == 1

    def test_two_sales_points_may_use_the_same_reference(
        self, client: TestClient, session: Session, key: str
    ) -> None:
        post(client, key, order_body(external_ref="LIVE-78"))

        response = post(client, make_api_key(session), order_body(external_ref="LIVE-78"))

        assert response.status_code == 201
