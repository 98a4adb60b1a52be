"""Webhook deliveries: queued on each status change, signed, sent to a real local receiver,
retried on the backoff schedule and logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.clock import utcnow
from dispatch.enums import OrderStatus
from dispatch.errors import ValidationFailed
from dispatch.orders.states import transition
from dispatch.salespoints.models import SalesPoint
from dispatch.webhooks import sender, service
from dispatch.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import make_order, make_sales_point

TOLERANCE_S = 300


@dataclass
class Receiver:
    """An HTTP server on localhost that checks each request's signature like a shop would."""

    secret: str = ""
    answer_status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    url: str = ""

    def check(self, headers: Any, body: bytes) -> str | None:
        timestamp = headers.get(sender.TIMESTAMP_HEADER, "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_S:
            return "stale or missing timestamp"
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        given = headers.get(sender.SIGNATURE_HEADER, "").removeprefix("v1=")
        return None if hmac.compare_digest(expected, given) else "bad signature"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            problem = state.check(self.headers, body)
            if problem:
                state.rejected.append(problem)
                self.send_response(401)
            else:
                state.received.append(json.loads(body))
                self.send_response(state.answer_status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def hooked_sales_point(session: Session, receiver: Receiver) -> SalesPoint:
    sales_point = make_sales_point(session)
    endpoint = service.register_endpoint(session, sales_point_id=sales_point.id, url=receiver.url)
    receiver.secret = endpoint.secret
    return sales_point


def deliveries(session: Session) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


class TestQueueing:
    def test_every_status_change_queues_one_delivery_per_active_endpoint(
        self, session: Session, receiver: Receiver
    ) -> None:
        sales_point = hooked_sales_point(session, receiver)
        service.register_endpoint(session, sales_point_id=sales_point.id, url=receiver.url + "2")
        order = make_order(session, sales_point)

        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM)
        transition(session, order, OrderStatus.PICKED_UP, actor=SYSTEM)

        queued = deliveries(session)
        assert len(queued) == 4
        assert {(d.payload["from_status"], d.payload["to_status"]) for d in queued} == {
            ("pending", "assigned"),
            ("assigned", "picked_up"),
        }

    def test_a_sales_point_without_webhooks_queues_nothing(self, session: Session) -> None:
        order = make_order(session)

        transition(session, order, OrderStatus.CANCELLED, actor=SYSTEM)

        assert deliveries(session) == []

    def test_a_removed_endpoint_gets_no_new_deliveries(
        self, session: Session, receiver: Receiver
    ) -> None:
        sales_point = hooked_sales_point(session, receiver)
        endpoint = session.scalars(select(WebhookEndpoint)).one()
        service.remove_endpoint(session, sales_point_id=sales_point.id, endpoint_id=endpoint.id)
        session.info.clear()  # a new transaction: the endpoint cache starts empty

        transition(session, make_order(session, sales_point), OrderStatus.ASSIGNED, actor=SYSTEM)

        assert deliveries(session) == []

    @pytest.mark.parametrize("url", ["ftp://shop.vn/x", "shop.vn/hook", "https://"])
    def test_a_url_that_is_not_http_is_refused(self, session: Session, url: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            service.register_endpoint(session, sales_point_id=make_sales_point(session).id, url=url)

        assert raised.value.fields[0].path == "url"


class TestSending:
    def test_a_delivery_reaches_the_receiver_signed_and_is_logged_delivered(
        self, session: Session, receiver: Receiver
    ) -> None:
        order = make_order(session, hooked_sales_point(session, receiver))
        transition(session, order, OrderStatus.CANCELLED, actor=SYSTEM, note="khách huỷ")
        delivery = deliveries(session)[0]

        sender.attempt_delivery(session, delivery.id)

        assert receiver.rejected == []
        [payload] = receiver.received
        assert payload["type"] == "order.status_changed"
        assert payload["order"]["id"] == order.id
        assert (payload["to_status"], payload["note"]) == ("cancelled", "khách huỷ")
        assert (delivery.attempts, delivery.last_status_code) == (1, 200)
        assert delivery.delivered_at is not None

    def test_a_delivered_delivery_is_not_sent_again(
        self, session: Session, receiver: Receiver
    ) -> None:
        order = make_order(session, hooked_sales_point(session, receiver))
        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM)
        delivery_id = deliveries(session)[0].id

        sender.attempt_delivery(session, delivery_id)
        sender.attempt_delivery(session, delivery_id)
        sender.deliver_pending_webhooks(session, now=utcnow() + timedelta(hours=1))

        assert len(receiver.received) == 1

    def test_a_wrong_secret_is_caught_by_the_receivers_check(
        self, session: Session, receiver: Receiver
    ) -> None:
        order = make_order(session, hooked_sales_point(session, receiver))
        receiver.secret = "whsec_not-the-one"
        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM)

        sender.attempt_delivery(session, deliveries(session)[0].id)

        assert receiver.rejected == ["bad signature"]
        assert deliveries(session)[0].last_status_code == 401

    def test_a_failed_delivery_is_retried_on_schedule_until_it_succeeds(
        self, session: Session, receiver: Receiver
    ) -> None:
        order = make_order(session, hooked_sales_point(session, receiver))
        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM)
        delivery = deliveries(session)[0]
        receiver.answer_status = 503
        start = utcnow()

        sender.attempt_delivery(session, delivery.id, now=start)
        too_early = sender.deliver_pending_webhooks(session, now=start + timedelta(seconds=5))
        receiver.answer_status = 200
        on_time = sender.deliver_pending_webhooks(session, now=start + timedelta(seconds=11))

        assert (too_early, on_time) == (0, 1)
        assert delivery.attempts == 2
        assert delivery.delivered_at is not None
        assert delivery.last_error is None

    def test_an_unreachable_receiver_is_given_up_after_twelve_attempts_over_an_hour(
        self, session: Session
    ) -> None:
        sales_point = make_sales_point(session)
        service.register_endpoint(
            session, sales_point_id=sales_point.id, url="http://127.0.0.1:9/closed"
        )
        transition(session, make_order(session, sales_point), OrderStatus.ASSIGNED, actor=SYSTEM)
        delivery = deliveries(session)[0]
        now = utcnow()

        while delivery.gave_up_at is None:
            sender.attempt_delivery(session, delivery.id, now=now)
            now = delivery.next_attempt_at or now

        assert delivery.attempts == sender.MAX_ATTEMPTS
        assert delivery.gave_up_at - delivery.created_at > timedelta(hours=1)
        assert "ConnectError" in (delivery.last_error or "")


class TestRetrySchedule:
    def test_the_backoff_grows_and_is_capped_at_half_an_hour(self) -> None:
        delays = [d.total_seconds() for d in sender.retry_delays()]

        assert delays[:4] == [10, 30, 90, 270]
        assert max(delays) == 1800
        assert delays == sorted(delays)

    def test_the_attempts_span_more_than_an_hour(self) -> None:
        assert sum(sender.retry_delays(), timedelta()) > timedelta(hours=1)
