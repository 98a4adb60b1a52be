"""Webhooks: a sales point's endpoints, and a delivery queued for each order status change.

The delivery rows are written in the transaction that changes the status, so a change and
its notification exist together; sending happens after commit (``dispatch.webhooks.sender``,
run by the ``webhooks.deliver`` job and retried by the ``webhooks.sweep`` job).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import jobs
from dispatch.clock import to_local, utcnow
from dispatch.errors import Conflict, NotFound, ValidationFailed
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.queries import tracking_url
from dispatch.settings import get_settings
from dispatch.webhooks.models import WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 5
DELIVER_JOB = "webhooks.deliver"
_CACHE_KEY = "dispatch.webhooks.endpoints"


def register_endpoint(session: Session, *, sales_point_id: int, url: str) -> WebhookEndpoint:
    """A new endpoint with a fresh signing secret (the caller shows it once)."""
    _check_url(url)
    active = list_endpoints(session, sales_point_id=sales_point_id)
    if len(active) >= MAX_ENDPOINTS:
        raise Conflict(f"a sales point may register at most {MAX_ENDPOINTS} webhook URLs")
    endpoint = WebhookEndpoint(
        sales_point_id=sales_point_id, url=url, secret="whsec_" + secrets.token_urlsafe(32)
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(session: Session, *, sales_point_id: int) -> list[WebhookEndpoint]:
    return list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.sales_point_id == sales_point_id, WebhookEndpoint.active)
            .order_by(WebhookEndpoint.id)
        )
    )


def remove_endpoint(session: Session, *, sales_point_id: int, endpoint_id: int) -> None:
    """Stop sending to this endpoint; its delivery log stays readable."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.sales_point_id != sales_point_id or not endpoint.active:
        raise NotFound(f"there is no webhook {endpoint_id}")
    endpoint.active = False
    session.flush()


def list_deliveries(
    session: Session, *, sales_point_id: int, order_id: int | None = None, limit: int = 100
) -> list[WebhookDelivery]:
    """The sales point's delivery log, newest first: attempts, last status, next try."""
    query = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(WebhookEndpoint.sales_point_id == sales_point_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(min(max(limit, 1), 500))
    )
    if order_id is not None:
        query = query.where(WebhookDelivery.order_id == order_id)
    return list(session.scalars(query))


def on_status_changed(session: Session, order: Order, event: OrderEvent) -> None:
    """Queue one delivery per active endpoint of the order's sales point (called by
    ``dispatch.orders.states.transition``)."""
    endpoints = _endpoints_of(session, order.sales_point_id)
    if not endpoints:
        return
    session.flush()  # the event's id goes into the payload
    now = utcnow()
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            order_id=order.id,
            event_id=event.id,
            payload=payload(order, event),
            next_attempt_at=now,
        )
        for endpoint_id in endpoints
    ]
    session.add_all(deliveries)
    session.flush()
    for delivery in deliveries:
        jobs.enqueue_after_commit(session, DELIVER_JOB, delivery_id=delivery.id)


def payload(order: Order, event: OrderEvent) -> dict[str, Any]:
    at: datetime = event.at or utcnow()
    return {
        "type": "order.status_changed",
        "event_id": event.id,
        "order": {
            "id": order.id,
            "external_ref": order.external_ref,
            "status": order.status.value,
            "tracking_url": tracking_url(order),
        },
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value if event.to_status else None,
        "reason": event.reason,
        "note": event.note,
        "at": to_local(at).isoformat(),
    }


def _endpoints_of(session: Session, sales_point_id: int) -> list[int]:
    """Active endpoint ids, looked up once per transaction (a planning run changes many)."""
    cache: dict[int, list[int]] = session.info.setdefault(_CACHE_KEY, {})
    if sales_point_id not in cache:
        cache[sales_point_id] = list(
            session.scalars(
                select(WebhookEndpoint.id).where(
                    WebhookEndpoint.sales_point_id == sales_point_id, WebhookEndpoint.active
                )
            )
        )
    return cache[sales_point_id]


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = ("https",) if get_settings().environment == "production" else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(url) > 1000:
        schemes = " or ".join(f"{s}://" for s in allowed)
        raise ValidationFailed.at("url", f"give a full {schemes} URL of at most 1000 characters")
