"""GET /v1/orders(/{id}) and POST /v1/orders/{id}/cancel: visibility, filters, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.clock import local_today, utcnow
from dispatch.enums import OrderStatus
from dispatch.orders.states import transition
from dispatch.salespoints.models import SalesPoint
from tests.factories import (
    bearer,
    make_api_key,
    make_order,
    make_sales_point,
    make_user,
    staff_headers,
)
from tests.payloads import order_body


@pytest.fixture
def seller(session: Session) -> tuple[int, dict[str, str]]:
    sales_point = make_sales_point(session)
    headers = bearer(make_api_key(session, sales_point))
    session.commit()  # a savepoint here: what a failing request rolls back must come after it
    return sales_point.id, headers


class TestReadOrder:
    def test_the_owner_reads_its_order_with_the_event_history(
        self, client: TestClient, session: Session, seller: tuple[int, dict[str, str]]
    ) -> None:
        _, headers = seller
        order_id = client.post("/v1/orders", json=order_body(), headers=headers).json()["id"]

        body = client.get(f"/v1/orders/{order_id}", headers=headers).json()

        assert body["status"] == "pending"
        assert [e["kind"] for e in body["events"]] == ["created"]
        assert body["handoff_code"] is not None
        assert body["created_at"].endswith("+07:00")

    def test_another_sales_points_order_is_404_like_a_missing_one(
        self, client: TestClient, session: Session, seller: tuple[int, dict[str, str]]
    ) -> None:
        _, headers = seller
        foreign = make_order(session)
        session.commit()

        foreign_answer = client.get(f"/v1/orders/{foreign.id}", headers=headers)
        missing_answer = client.get(f"/v1/orders/{foreign.id + 10_000}", headers=headers)

        assert foreign_answer.status_code == missing_answer.status_code == 404
        assert foreign_answer.json()["error"]["code"] == missing_answer.json()["error"]["code"]

    def test_a_dispatcher_reads_any_order_but_not_its_handoff_code(
        self, client: TestClient, session: Session
    ) -> None:
        order = make_order(session)

        body = client.get(f"/v1/orders/{order.id}", headers=staff_headers(make_user(session)))

        assert body.json()["id"] == order.id
        assert body.json()["handoff_code"] is None


class TestListOrders:
    def test_a_sales_point_lists_only_its_own_orders(
        self, client: TestClient, session: Session, seller: tuple[int, dict[str, str]]
    ) -> None:
        sales_point_id, headers = seller
        own = make_order(session, session.get(SalesPoint, sales_point_id))
        make_order(session, make_sales_point(session, name="another"))

        items = client.get("/v1/orders", headers=headers).json()["items"]

        assert [item["id"] for item in items] == [own.id]

    def test_orders_are_filtered_by_status_and_day(
        self, client: TestClient, session: Session
    ) -> None:
        sales_point = make_sales_point(session)
        headers = bearer(make_api_key(session, sales_point))
        pending = make_order(session, sales_point)
        make_order(session, sales_point, status=OrderStatus.CANCELLED)
        make_order(session, sales_point, created_at=utcnow() - timedelta(days=3))

        by_status = client.get("/v1/orders?status=cancelled", headers=headers).json()["items"]
        today = local_today().isoformat()
        by_day = client.get(f"/v1/orders?date={today}&status=pending", headers=headers).json()

        assert [o["status"] for o in by_status] == ["cancelled"]
        assert [o["id"] for o in by_day["items"]] == [pending.id]

    def test_the_cursor_walks_every_order_once_newest_first(
        self, client: TestClient, session: Session
    ) -> None:
        sales_point = make_sales_point(session)
        headers = bearer(make_api_key(session, sales_point))
        ids = [make_order(session, sales_point).id for _ in range(5)]

        seen: list[int] = []
        url = "/v1/orders?limit=2"
        while url:
            page = client.get(url, headers=headers).json()
            seen += [o["id"] for o in page["items"]]
            url = f"/v1/orders?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else ""

        assert seen == sorted(ids, reverse=True)

    @pytest.mark.parametrize("query", ["limit=0", "limit=201", "cursor=garbage"])
    def test_a_bad_page_request_gets_422(
        self, client: TestClient, seller: tuple[int, dict[str, str]], query: str
    ) -> None:
        assert client.get(f"/v1/orders?{query}", headers=seller[1]).status_code == 422


class TestCancelOrder:
    @pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.ASSIGNED])
    def test_an_order_can_be_cancelled_until_pickup(
        self, client: TestClient, session: Session, status: OrderStatus
    ) -> None:
        sales_point = make_sales_point(session)
        order = make_order(session, sales_point, status=status)

        response = client.post(
            f"/v1/orders/{order.id}/cancel",
            json={"reason": "khách huỷ"},
            headers=bearer(make_api_key(session, sales_point)),
        )

        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert response.json()["events"][-1]["note"] == "khách huỷ"

    def test_after_pickup_cancelling_gets_409(self, client: TestClient, session: Session) -> None:
        sales_point = make_sales_point(session)
        order = make_order(session, sales_point, status=OrderStatus.ASSIGNED)
        transition(session, order, OrderStatus.PICKED_UP, actor=SYSTEM)
        headers = bearer(make_api_key(session, sales_point))
        session.commit()

        response = client.post(f"/v1/orders/{order.id}/cancel", headers=headers)

        assert response.status_code == 409
        assert "picked it up" in response.json()["error"]["message"]

    def test_another_sales_points_order_cannot_be_cancelled_and_looks_missing(
        self, client: TestClient, session: Session, seller: tuple[int, dict[str, str]]
    ) -> None:
        order = make_order(session)
        session.commit()

        response = client.post(f"/v1/orders/{order.id}/cancel", headers=seller[1])

        assert response.status_code == 404
        assert order.status is OrderStatus.PENDING
