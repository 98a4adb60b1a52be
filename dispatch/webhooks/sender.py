"""Sending webhook deliveries: signed POSTs, retried with exponential backoff for hours.

Each request carries ``X-Dispatch-Timestamp`` (Unix seconds) and ``X-Dispatch-Signature:
v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the endpoint's secret>``. A receiver
recomputes it and rejects old timestamps (we suggest 5 minutes), which stops replays.

A delivery that does not get a 2xx answer is tried again after 10 s, 30 s, 1.5 min,
4.5 min, 13.5 min and then every 30 min: 12 attempts over about 3 h 20 min; then it is
given up. The schedule lives in the database (``next_attempt_at``), so the periodic sweep
retries in embedded mode and with Celery alike, and a lost job only delays a delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta

import httpx
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.db import is_postgresql
from dispatch.webhooks.models import WebhookDelivery, WebhookEndpoint

MAX_ATTEMPTS = 12
TIMEOUT_S = 5.0
SIGNATURE_HEADER = "X-Dispatch-Signature"
TIMESTAMP_HEADER = "X-Dispatch-Timestamp"
USER_AGENT = "shipper-dispatch-webhooks/1"


def retry_delays() -> list[timedelta]:
    """The wait after each failed attempt but the last."""
    return [timedelta(seconds=min(10 * 3**n, 1800)) for n in range(MAX_ATTEMPTS - 1)]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def attempt_delivery(
    session: Session,
    delivery_id: int,
    *,
    now: datetime | None = None,
    client: httpx.Client | None = None,
) -> WebhookDelivery | None:
    """Send one due delivery once; record the outcome and when to try again."""
    now = now or utcnow()
    delivery = _lock_due(session, [delivery_id], now)
    if not delivery:
        return None  # delivered, given up, not due yet, or another worker has it
    return _send(session, delivery[0], now, client)


def deliver_pending_webhooks(
    session: Session,
    *,
    now: datetime | None = None,
    client: httpx.Client | None = None,
    limit: int = 200,
) -> int:
    """Attempt every delivery that is due (the periodic sweep); returns how many were tried."""
    now = now or utcnow()
    due = _lock_due(session, due_delivery_ids(session, now=now, limit=limit), now)
    for delivery in due:
        _send(session, delivery, now, client)
    return len(due)


def due_delivery_ids(session: Session, *, now: datetime, limit: int = 200) -> list[int]:
    """Deliveries whose next attempt is due, the longest waiting first."""
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(*_due(now))
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.gave_up_at.is_(None),
        WebhookDelivery.next_attempt_at <= now,
    )


def _lock_due(session: Session, ids: list[int], now: datetime) -> list[WebhookDelivery]:
    if not ids:
        return []
    query = select(WebhookDelivery).where(WebhookDelivery.id.in_(ids), *_due(now))
    if is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _send(
    session: Session, delivery: WebhookDelivery, now: datetime, client: httpx.Client | None
) -> WebhookDelivery:
    endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id)
    body = json.dumps({"delivery_id": delivery.id, **delivery.payload}, ensure_ascii=False).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
    }
    status, error = None, None
    if endpoint.active:
        status, error = _post(client, endpoint.url, body, headers)
    else:
        error = "the webhook was removed"
    _record(delivery, now, status, error, give_up=not endpoint.active)
    session.flush()
    return delivery


def _post(
    client: httpx.Client | None, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str | None]:
    try:
        if client is not None:
            response = client.post(url, content=body, headers=headers)
        else:
            with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False) as own:
                response = own.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def _record(
    delivery: WebhookDelivery,
    now: datetime,
    status: int | None,
    error: str | None,
    *,
    give_up: bool,
) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status
    delivery.last_error = error
    if error is None:
        delivery.delivered_at, delivery.next_attempt_at = now, None
    elif give_up or delivery.attempts >= MAX_ATTEMPTS:
        delivery.gave_up_at, delivery.next_attempt_at = now, None
    else:
        delivery.next_attempt_at = now + retry_delays()[delivery.attempts - 1]
