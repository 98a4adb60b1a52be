"""Order intake: a sales point's order checked, placed on the map and stored as pending."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from dispatch.clock import to_local, utcnow
from dispatch.db import is_postgresql
from dispatch.enums import ActorKind, GeocodePrecision, OrderStatus
from dispatch.errors import Conflict, FieldError, ValidationFailed
from dispatch.geo import check_in_service_area
from dispatch.geocoding.base import Geocoder
from dispatch.geocoding.service import locate_address
from dispatch.orders.models import Order, OrderEvent
from dispatch.orders.schemas import OrderCreate
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
    weight, parcels = session.execute(_LIMITS).one()
    return Limits(weight or settings.order_max_weight_kg, parcels or settings.order_max_parcels)


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
        session,
        data,
        sales_point_id=sales_point_id,
        limits=order_limits(session),
        geocoder=geocoder,
        now=now,
    )
    order_id = _insert_with_event(
        session, {**_UNGIVEN, **values, "created_at": now, "updated_at": now}
    )
    if order_id is None:
        ref = values["external_ref"]
        raise DuplicateOrder(ref, find_by_external_ref(session, sales_point_id, [ref])[ref])
    note_new_orders(session)  # a livestream's burst starts a planning run early
    return NewOrder(
        id=order_id,
        external_ref=values["external_ref"],
        status=values["status"],
        tracking_token=values["tracking_token"],
        handoff_code=values["handoff_code"],
        lat=values["lat"],
        lon=values["lon"],
        geocode_precision=values["geocode_precision"],
        created_at=now,
    )


def _insert_with_event(session: Session, row: dict[str, Any]) -> int | None:
    """The new order's id, or None when the sales point already sent this external_ref.

    ON CONFLICT DO NOTHING does in one round trip what a look-up, a savepoint and its
    release did in four: a request racing for the same reference waits for the winner to
    commit, then inserts nothing, and the winner's id is read afterwards. On PostgreSQL
    the "created" event goes in with the order, in the same statement.
    """
    if is_postgresql(session):
        return session.execute(_INSERT_WITH_EVENT, row).scalar_one_or_none()
    order_id = session.execute(_INSERT_ORDER, row).scalar_one_or_none()
    if order_id is not None:
        session.execute(
            _INSERT_CREATED,
            {"order_id": order_id, "at": row["created_at"], "actor_id": row["sales_point_id"]},
        )
    return order_id


# Built once, on the tables, every value a parameter: no statement is rebuilt and no ORM
# object is made per order (the unit of work's bookkeeping cost more than the INSERTs).
_ORDERS = cast(Table, Order.__table__)
_EVENTS = cast(Table, OrderEvent.__table__)
_SHIPPERS = cast(Table, Shipper.__table__)
_LIMITS = select(func.max(_SHIPPERS.c.capacity_kg), func.max(_SHIPPERS.c.capacity_parcels))
# The columns order_values leaves out: their constant defaults, else NULL.
_UNGIVEN: dict[str, Any] = {
    column.name: column.default.arg
    if isinstance(column.default, ScalarElementColumnDefault)
    else None
    for column in _ORDERS.columns
    if not column.primary_key
}
_ORDER_ROW = {name: bindparam(name, type_=_ORDERS.c[name].type) for name in _UNGIVEN}
_INSERT_ORDER = (
    sqlite.insert(_ORDERS)
    .values(_ORDER_ROW)
    .on_conflict_do_nothing(index_elements=["sales_point_id", "external_ref"])
    .returning(_ORDERS.c.id)
)
_INSERT_CREATED = insert(_EVENTS).values(kind="created", actor_kind=ActorKind.SALES_POINT, data={})
_NEW_ORDER = (
    postgresql.insert(_ORDERS)
    .values(_ORDER_ROW)
    .on_conflict_do_nothing(index_elements=["sales_point_id", "external_ref"])
    .returning(_ORDERS.c.id, _ORDERS.c.created_at, _ORDERS.c.sales_point_id)
    .cte("new_order")
)
_INSERT_WITH_EVENT = (
    insert(_EVENTS)
    .from_select(
        ["order_id", "at", "kind", "actor_kind", "actor_id", "data"],
        select(
            _NEW_ORDER.c.id,
            _NEW_ORDER.c.created_at,
            literal("created", _EVENTS.c.kind.type),
            literal(ActorKind.SALES_POINT, _EVENTS.c.actor_kind.type),
            _NEW_ORDER.c.sales_point_id,
            literal({}, _EVENTS.c.data.type),
        ),
    )
    .returning(_EVENTS.c.order_id)
)


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
    limits: Limits,
    geocoder: Geocoder | None,
    now: datetime,
    path: str = "",
) -> dict[str, Any]:
    """The column values of a new order; ValidationFailed names fields under ``path``."""
    prefix = f"{path}." if path else ""
    _check_window(data, now, prefix)
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
