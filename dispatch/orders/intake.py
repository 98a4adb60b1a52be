"""Order intake: a sales point's order checked, placed on the map and stored as pending."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.clock import to_local, utcnow
from dispatch.enums import GeocodePrecision, OrderStatus
from dispatch.errors import Conflict, FieldError, ValidationFailed
from dispatch.geo import check_in_service_area
from dispatch.geocoding.base import Geocoder
from dispatch.geocoding.service import locate_address
from dispatch.orders.models import Order
from dispatch.orders.schemas import OrderCreate
from dispatch.orders.store import insert_order_with_event
from dispatch.planning.triggers import note_new_orders
from dispatch.settings import get_settings
from dispatch.shippers.models import Shipper


class DuplicateOrder(Conflict):
    """The sales point already sent an order with this external_ref."""

    code = "duplicate_external_ref"

    def __init__(self, external_ref: str, existing_id: int, *, path: str = "external_ref") -> None:
        message = f"order {external_ref!r} was already received as order {existing_id}"
        super().__init__(
            message, fields=[FieldError(path, message)], details={"existing_id": existing_id}
        )
        self.existing_id = existing_id


@dataclass(frozen=True)
class Limits:
    """The most one order may weigh and hold: what the largest vehicle carries."""

    max_weight_kg: float
    max_parcels: int


def order_limits(session: Session) -> Limits:
    settings = get_settings()
    weight, parcels = session.execute(
        select(func.max(Shipper.capacity_kg), func.max(Shipper.capacity_parcels))
    ).one()
    # No shipper yet: the settings' limits, as the single-order INSERT's coalesce does.
    return Limits(
        settings.order_max_weight_kg if weight is None else weight,
        settings.order_max_parcels if parcels is None else parcels,
    )


@dataclass(frozen=True)
class NewOrder:
    """A stored order, as the answer to its sender needs it (no ORM object is loaded)."""

    id: int
    external_ref: str | None
    status: OrderStatus
    tracking_token: str
    handoff_code: str
    lat: float
    lon: float
    geocode_precision: GeocodePrecision
    created_at: datetime

    @classmethod
    def of(cls, order_id: int, values: dict[str, Any], *, created_at: datetime) -> NewOrder:
        return cls(
            id=order_id,
            external_ref=values["external_ref"],
            status=values["status"],
            tracking_token=values["tracking_token"],
            handoff_code=values["handoff_code"],
            lat=values["lat"],
            lon=values["lon"],
            geocode_precision=values["geocode_precision"],
            created_at=created_at,
        )


def create_order(
    session: Session,
    *,
    sales_point_id: int,
    data: OrderCreate,
    geocoder: Geocoder | None = None,
    now: datetime | None = None,
) -> NewOrder:
    """Check, locate and store one order as pending, with its "created" event."""
    now = now or utcnow()
    values = order_values(
        session, data, sales_point_id=sales_point_id, limits=None, geocoder=geocoder, now=now
    )
    settings = get_settings()
    for _ in range(2):  # a second round only if the fleet changed between two statements
        order_id = insert_order_with_event(
            session,
            {**values, "created_at": now, "updated_at": now},
            default_max_weight_kg=settings.order_max_weight_kg,
            default_max_parcels=settings.order_max_parcels,
        )
        if order_id is not None:
            note_new_orders(session)  # a livestream's burst starts a planning run early
            return NewOrder.of(order_id, values, created_at=now)
        _refuse(session, data, sales_point_id)
    raise Conflict("the shipper fleet changed while this order was checked; send it again")


def _refuse(session: Session, data: OrderCreate, sales_point_id: int) -> None:
    """Why the order was not inserted: more than the fleet carries, or a duplicate."""
    _check_load(data, order_limits(session), prefix="")
    ref = data.external_ref
    existing = find_by_external_ref(session, sales_point_id, [ref]) if ref else {}
    if ref is not None and ref in existing:
        raise DuplicateOrder(ref, existing[ref])


def find_by_external_ref(session: Session, sales_point_id: int, refs: list[str]) -> dict[str, int]:
    """The ids of this sales point's orders that already carry these references."""
    rows = session.execute(
        select(Order.external_ref, Order.id).where(
            Order.sales_point_id == sales_point_id, Order.external_ref.in_(refs)
        )
    )
    return {ref: order_id for ref, order_id in rows if ref is not None}


def order_values(
    session: Session,
    data: OrderCreate,
    *,
    sales_point_id: int,
    limits: Limits | None,
    geocoder: Geocoder | None,
    now: datetime,
    path: str = "",
) -> dict[str, Any]:
    """The column values of a new order; ValidationFailed names fields under ``path``.

    ``limits=None`` leaves the load check to the caller (the single-order INSERT makes it).
    """
    prefix = f"{path}." if path else ""
    _check_window(data, now, prefix)
    if limits is not None:
        _check_load(data, limits, prefix)
    location = _locate(session, data, geocoder, prefix)
    return {
        "sales_point_id": sales_point_id,
        "external_ref": data.external_ref,
        "status": OrderStatus.PENDING,
        "recipient_name": data.recipient.name,
        "recipient_phone": data.recipient.phone,
        "address": data.recipient.address,
        "district": location["district"],
        "ward": location["ward"],
        "lat": location["lat"],
        "lon": location["lon"],
        "geocode_precision": location["precision"],
        "window_start": data.window.start if data.window else None,
        "window_end": data.window.end if data.window else None,
        "parcels": data.parcels,
        "weight_kg": data.weight_kg,
        "items": [item.model_dump(mode="json", exclude_none=True) for item in data.items],
        "payment_method": data.payment.method,
        "cod_amount_vnd": data.payment.cod_amount_vnd,
        "handoff_preference": data.handoff.preference,
        "handoff_note": data.handoff.note,
        "tracking_token": secrets.token_urlsafe(16),
        "handoff_code": f"{secrets.randbelow(1_000_000):06d}",
    }


def _check_window(data: OrderCreate, now: datetime, prefix: str) -> None:
    window = data.window
    if window is None:
        return
    if window.end <= window.start:
        raise ValidationFailed.at(
            f"{prefix}window.end", "the delivery window ends before it starts"
        )
    if window.end <= now:
        ended = to_local(window.end).strftime("%H:%M %d/%m/%Y")
        raise ValidationFailed.at(
            f"{prefix}window.end", f"this delivery window is already over (it ended {ended})"
        )


def _check_load(data: OrderCreate, limits: Limits, prefix: str) -> None:
    if data.weight_kg > limits.max_weight_kg:
        raise ValidationFailed.at(
            f"{prefix}weight_kg",
            f"{data.weight_kg:g} kg is more than our largest vehicle carries "
            f"({limits.max_weight_kg:g} kg); split it into several orders",
        )
    if data.parcels > limits.max_parcels:
        raise ValidationFailed.at(
            f"{prefix}parcels",
            f"{data.parcels} parcels are more than one shipper carries ({limits.max_parcels}); "
            "split it into several orders",
        )


def _locate(
    session: Session, data: OrderCreate, geocoder: Geocoder | None, prefix: str
) -> dict[str, Any]:
    recipient = data.recipient
    if recipient.lat is not None and recipient.lon is not None:
        check_in_service_area(recipient.lat, recipient.lon, path=f"{prefix}recipient")
        return {
            "lat": recipient.lat,
            "lon": recipient.lon,
            "precision": GeocodePrecision.GIVEN,
            "district": None,
            "ward": None,
        }
    found = locate_address(
        session, recipient.address, geocoder=geocoder, path=f"{prefix}recipient.address"
    )
    return {
        "lat": found.lat,
        "lon": found.lon,
        "precision": found.precision,
        "district": found.district,
        "ward": found.ward,
    }
