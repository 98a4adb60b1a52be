"""POST /v1/orders/bulk and /v1/orders/csv: per-row answers, duplicates, limits, idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.orders import csv_rows
from dispatch.orders.models import Order, OrderEvent
from dispatch.settings import get_settings
from tests.factories import make_api_key
from tests.payloads import order_body, without_coordinates


@pytest.fixture
def auth(session: Session) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_api_key(session)}"}
    session.commit()  # a savepoint: a request that fails must not roll the key back
    return headers


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def upload(client: TestClient, auth: dict[str, str], content: bytes, **headers: str) -> Any:
    files = {"file": ("orders.csv", content, "text/csv")}
    return client.post("/v1/orders/csv", files=files, headers={**auth, **headers})


class TestBulk:
    def test_bad_rows_are_reported_by_path_and_never_block_good_ones(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        rows = [order_body(), order_body(recipient={"phone": "12"}), order_body(weight_kg=-2)]

        response = client.post("/v1/orders/bulk", json={"orders": rows}, headers=auth)

        assert response.status_code == 200
        body = response.json()
        assert (body["created"], body["errors"]) == (1, 2)
        statuses = [r["status"] for r in body["results"]]
        assert statuses == ["created", "error", "error"]
        assert body["results"][1]["errors"][0]["path"] == "orders.1.recipient.phone"
        assert body["results"][2]["errors"][0]["path"] == "orders.2.weight_kg"
        assert count(session, Order) == 1

    def test_each_created_row_carries_its_id_tracking_url_and_handoff_code(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        response = client.post("/v1/orders/bulk", json={"orders": [order_body()]}, headers=auth)

        row = response.json()["results"][0]
        order = session.get(Order, row["id"])
        assert order is not None
        assert row["handoff_code"] == order.handoff_code
        assert row["tracking_url"].endswith(f"/t/{order.tracking_token}")
        assert count(session, OrderEvent) == 1

    def test_known_and_repeated_references_are_duplicates_with_the_existing_id(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        earlier = client.post("/v1/orders", json=order_body(external_ref="A"), headers=auth)
        rows = [order_body(external_ref="A"), order_body(external_ref="B")]
        rows.append(order_body(external_ref="B"))

        body = client.post("/v1/orders/bulk", json={"orders": rows}, headers=auth).json()

        results = body["results"]
        assert [r["status"] for r in results] == ["duplicate", "created", "duplicate"]
        assert results[0]["id"] == earlier.json()["id"]
        assert results[2]["id"] == results[1]["id"]
        assert count(session, Order) == 2

    def test_rows_without_coordinates_are_geocoded_or_refused(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        rows = [
            without_coordinates(order_body(), "ngõ 5, P. Kim Mã, Q. Ba Đình"),
            without_coordinates(order_body(), "đầu ngõ có cây đa"),
        ]

        results = client.post("/v1/orders/bulk", json={"orders": rows}, headers=auth).json()

        assert [r["status"] for r in results["results"]] == ["created", "error"]
        assert results["results"][1]["errors"][0]["path"] == "orders.1.recipient.address"

    def test_more_than_a_thousand_rows_get_413(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        small = {"recipient": {"name": "A", "phone": "0912345678", "address": "Ba Đình"}}

        response = client.post("/v1/orders/bulk", json={"orders": [small] * 1001}, headers=auth)

        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert count(session, Order) == 0

    def test_a_body_over_the_byte_limit_gets_413_before_it_is_read(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        padding = "x" * get_settings().max_upload_bytes
        body = {"orders": [order_body(handoff={"note": padding})]}

        response = client.post("/v1/orders/bulk", json=body, headers=auth)

        assert response.status_code == 413

    def test_the_whole_call_is_idempotent(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        body = {"orders": [order_body(), order_body()]}
        headers = {**auth, "Idempotency-Key": "livestream-0801"}
        first = client.post("/v1/orders/bulk", json=body, headers=headers)

        replay = client.post("/v1/orders/bulk", json=body, headers=headers)

        assert replay.json() == first.json()
        assert count(session, Order) == 2

    def test_a_row_with_unknown_fields_is_an_error(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        rows = [order_body(status="delivered")]

        row = client.post("/v1/orders/bulk", json={"orders": rows}, headers=auth).json()

        assert row["results"][0]["errors"][0]["path"] == "orders.0.status"


class TestCsv:
    def test_the_template_is_utf8_with_bom_and_its_sample_row_is_accepted(
        self, client: TestClient, session: Session, auth: dict[str, str]
    ) -> None:
        template = client.get("/v1/orders/csv-template")

        assert template.headers["content-type"].startswith("text/csv")
        assert template.content.startswith(b"\xef\xbb\xbf")
        assert "Trần Thị Lan" in template.content.decode("utf-8-sig")
        body = upload(client, auth, template.content).json()
        assert body["created"] == 1
        order = session.get(Order, body["results"][0]["id"])
        assert order is not None
        assert (order.ward, order.cod_amount_vnd) == ("Phố Huế", 250_000)
        assert order.items[0]["name"] == "Gạo ST25 túi 2kg"

    def test_errors_name_the_line_and_the_column(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        content = (
            "recipient_name,recipient_phone,address,lat,lon,weight_kg\n"
            "Lan,0912345678,Hoàn Kiếm,21.03,105.85,2\n"
            "Minh,09,Hoàn Kiếm,21.03,105.85,-1\n"
        ).encode()

        body = upload(client, auth, content).json()

        assert [r["status"] for r in body["results"]] == ["created", "error"]
        paths = {e["path"] for e in body["results"][1]["errors"]}
        assert paths == {"rows.1.recipient_phone", "rows.1.weight_kg"}

    def test_semicolon_separated_files_from_excel_are_read(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        content = "recipient_name;recipient_phone;address\nHoa;0987654321;Q. Tây Hồ\n".encode()

        assert upload(client, auth, content).json()["created"] == 1

    def test_an_unknown_column_gets_422_naming_it(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        content = b"recipient_name,recipient_phone,address,status\nA,0912345678,Ba Dinh,x\n"

        response = upload(client, auth, content)

        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["path"] == "file.columns.status"

    def test_a_file_that_is_not_utf8_gets_422(
        self, client: TestClient, auth: dict[str, str]
    ) -> None:
        content = "recipient_name,recipient_phone,address\nTrần,0912345678,Ba Đình\n".encode(
            "utf-16"
        )

        response = upload(client, auth, content)

        assert response.status_code == 422
        assert "UTF-8" in response.json()["error"]["message"]

    def test_naive_times_are_read_as_hanoi_time(self) -> None:
        rows = csv_rows.parse(
            b"recipient_name,recipient_phone,address,window_start,window_end\n"
            b"A,0912345678,Ba Dinh,2031-08-02 09:00,2031-08-02 12:00\n"
        )

        assert rows[0]["window"]["start"] == "2031-08-02T09:00:00+07:00"
