"""/v1/webhooks: a sales point registers URLs, removes them and reads its delivery log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.enums import OrderStatus
from dispatch.orders.states import transition
from dispatch.salespoints.models import SalesPoint
from tests.factories import bearer, make_api_key, make_order, make_sales_point


@pytest.fixture
def shop(session: Session) -> tuple[SalesPoint, dict[str, str]]:
    sales_point = make_sales_point(session)
    headers = bearer(make_api_key(session, sales_point))
    session.commit()  # a savepoint: a request that fails must not roll the key back
    return sales_point, headers


class TestWebhookEndpoints:
    def test_registering_shows_the_signing_secret_once(
        self, client: TestClient, shop: tuple[SalesPoint, dict[str, str]]
    ) -> None:
        _, headers = shop

        created = client.post("/v1/webhooks", json={"url": "https://shop.vn/hook"}, headers=headers)
        listed = client.get("/v1/webhooks", headers=headers).json()

        assert created.status_code == 201
        assert created.json()["secret"].startswith("whsec_")
        assert [w["url"] for w in listed] == ["https://shop.vn/hook"]
        assert "secret" not in listed[0]

    def test_a_bad_url_gets_422_on_url(
        self, client: TestClient, shop: tuple[SalesPoint, dict[str, str]]
    ) -> None:
        response = client.post("/v1/webhooks", json={"url": "mailto:a@b.vn"}, headers=shop[1])

        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["path"] == "url"

    def test_another_sales_points_webhook_cannot_be_removed(
        self, client: TestClient, session: Session, shop: tuple[SalesPoint, dict[str, str]]
    ) -> None:
        other = bearer(make_api_key(session))
        hook = client.post("/v1/webhooks", json={"url": "https://a.vn/h"}, headers=other).json()

        response = client.delete(f"/v1/webhooks/{hook['id']}", headers=shop[1])

        assert response.status_code == 404
        assert client.delete(f"/v1/webhooks/{hook['id']}", headers=other).status_code == 204

    def test_staff_tokens_cannot_manage_webhooks(self, client: TestClient) -> None:
        assert client.get("/v1/webhooks").status_code == 401


class TestDeliveryLog:
    def test_the_log_shows_each_queued_delivery_of_the_sales_points_orders(
        self, client: TestClient, session: Session, shop: tuple[SalesPoint, dict[str, str]]
    ) -> None:
        sales_point, headers = shop
        client.post("/v1/webhooks", json={"url": "https://shop.vn/hook"}, headers=headers)
        order = make_order(session, sales_point)
        transition(session, order, OrderStatus.CANCELLED, actor=SYSTEM)
        make_order(session)  # another sales point's order, never in this log

        log = client.get(f"/v1/webhooks/deliveries?order_id={order.id}", headers=headers).json()

        assert len(log) == 1
        assert log[0]["payload"]["to_status"] == "cancelled"
        assert (log[0]["attempts"], log[0]["delivered_at"]) == (0, None)
        assert log[0]["next_attempt_at"] is not None
