"""Webhook endpoint and delivery-log bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dispatch.clock import to_local
from dispatch.webhooks.models import WebhookDelivery, WebhookEndpoint


def _local(moment: datetime | None) -> datetime | None:
    return to_local(moment) if moment is not None else None


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=1000, examples=["https://shop.example.vn/hooks/dispatch"])


class WebhookRead(BaseModel):
    id: int
    url: str
    created_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookRead:
        return cls(id=endpoint.id, url=endpoint.url, created_at=to_local(endpoint.created_at))


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Signs every delivery (HMAC-SHA256); shown this once")


class WebhookDeliveryRead(BaseModel):
    id: int
    endpoint_id: int
    order_id: int
    payload: dict[str, Any]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    gave_up_at: datetime | None

    @classmethod
    def of(cls, d: WebhookDelivery) -> WebhookDeliveryRead:
        return cls(
            id=d.id,
            endpoint_id=d.endpoint_id,
            order_id=d.order_id,
            payload=d.payload,
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            last_attempt_at=_local(d.last_attempt_at),
            next_attempt_at=_local(d.next_attempt_at),
            delivered_at=_local(d.delivered_at),
            gave_up_at=_local(d.gave_up_at),
        )
