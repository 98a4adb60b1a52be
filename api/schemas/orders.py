"""Order bodies: ``OrderCreate`` (the domain's own specification) and what we answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatch.actors import Actor
from dispatch.clock import to_local
from dispatch.enums import (
    ActorKind,
    GeocodePrecision,
    HandoffPreference,
    OrderStatus,
    PaymentMethod,
)
from dispatch.orders.intake import NewOrder
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.queries import tracking_url, tracking_url_for
from dispatch.orders.schemas import Handoff, Item, OrderCreate, Payment, Window

__all__ = [
    "BulkOrdersCreate",
    "BulkOrdersRead",
    "BulkRowRead",
    "OrderCancel",
    "OrderCreate",
    "OrderCreated",
    "OrderEventRead",
    "OrderPageRead",
    "OrderRead",
]


def _local(moment: datetime | None) -> datetime | None:
    return to_local(moment) if moment is not None else None


class OrderCreated(BaseModel):
    """The answer to a new order: give ``handoff_code`` and ``tracking_url`` to the recipient."""

    id: int
    external_ref: str | None
    status: OrderStatus
    tracking_url: str
    handoff_code: str
    lat: float
    lon: float
    geocode_precision: GeocodePrecision = Field(
        description="How the order was placed: given coordinates, address, ward or district"
    )

    @classmethod
    def of(cls, order: Order | NewOrder) -> OrderCreated:
        return cls(
            id=order.id,
            external_ref=order.external_ref,
            status=order.status,
            tracking_url=tracking_url_for(order.tracking_token),
            handoff_code=order.handoff_code,
            lat=order.lat,
            lon=order.lon,
            geocode_precision=order.geocode_precision,
        )


class RecipientRead(BaseModel):
    name: str
    phone: str
    address: str
    district: str | None
    ward: str | None
    lat: float
    lon: float


class OrderEventRead(BaseModel):
    id: int
    at: datetime
    kind: str
    from_status: OrderStatus | None
    to_status: OrderStatus | None
    actor_kind: ActorKind
    actor_id: int | None
    reason: str | None
    note: str | None

    @classmethod
    def of(cls, event: OrderEvent) -> OrderEventRead:
        return cls(
            id=event.id,
            at=to_local(event.at),
            kind=event.kind,
            from_status=event.from_status,
            to_status=event.to_status,
            actor_kind=event.actor_kind,
            actor_id=event.actor_id,
            reason=event.reason,
            note=event.note,
        )


class OrderRead(BaseModel):
    """An order as its sales point or a dispatcher sees it; times in Hà Nội time."""

    id: int
    sales_point_id: int
    external_ref: str | None
    status: OrderStatus
    recipient: RecipientRead
    geocode_precision: GeocodePrecision
    window: Window | None
    parcels: int
    weight_kg: float
    items: list[Item]
    payment: Payment
    handoff: Handoff
    tracking_url: str
    handoff_code: str | None = Field(description="Shown to the sales point that sent the order")
    unassigned_reason: str | None = Field(
        default=None, description="Why the last planning run left this pending order out"
    )
    unassigned_detail: str | None = None
    created_at: datetime
    updated_at: datetime
    events: list[OrderEventRead] | None = Field(
        default=None, description="The order's history (GET /v1/orders/{id} only)"
    )

    @classmethod
    def of(cls, order: Order, *, viewer: Actor, with_events: bool = False) -> OrderRead:
        owner = viewer.kind is ActorKind.SALES_POINT and viewer.id == order.sales_point_id
        window = None
        if order.window_start is not None and order.window_end is not None:
            window = Window(start=to_local(order.window_start), end=to_local(order.window_end))
        return cls(
            id=order.id,
            sales_point_id=order.sales_point_id,
            external_ref=order.external_ref,
            status=order.status,
            recipient=RecipientRead(
                name=order.recipient_name,
                phone=order.recipient_phone,
                address=order.address,
                district=order.district,
                ward=order.ward,
                lat=order.lat,
                lon=order.lon,
            ),
            geocode_precision=order.geocode_precision,
            window=window,
            parcels=order.parcels,
            weight_kg=order.weight_kg,
            items=[Item.model_validate(item) for item in order.items],
            payment=Payment.model_construct(
                method=PaymentMethod(order.payment_method), cod_amount_vnd=order.cod_amount_vnd
            ),
            handoff=Handoff(
                preference=HandoffPreference(order.handoff_preference), note=order.handoff_note
            ),
            tracking_url=tracking_url(order),
            handoff_code=order.handoff_code if owner else None,
            unassigned_reason=order.unassigned_reason,
            unassigned_detail=order.unassigned_detail,
            created_at=to_local(order.created_at),
            updated_at=to_local(order.updated_at),
            events=[OrderEventRead.of(e) for e in order.events] if with_events else None,
        )


class OrderPageRead(BaseModel):
    items: list[OrderRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end")


class OrderCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class BulkOrdersCreate(BaseModel):
    """Up to 1,000 orders; each row is checked on its own (413 beyond 1,000)."""

    model_config = ConfigDict(extra="forbid")

    orders: list[dict[str, Any]] = Field(
        description="Order bodies of the same shape as POST /v1/orders (OrderCreate)"
    )


class FieldErrorRead(BaseModel):
    path: str
    message: str


class BulkRowRead(BaseModel):
    index: int = Field(description="The row's position in `orders` (0-based)")
    status: Literal["created", "duplicate", "error"]
    id: int | None = Field(default=None, description="The new order, or the existing one")
    external_ref: str | None = None
    tracking_url: str | None = None
    handoff_code: str | None = None
    errors: list[FieldErrorRead] = []


class BulkOrdersRead(BaseModel):
    created: int
    duplicates: int
    errors: int
    results: list[BulkRowRead]
