"""Reading orders: one with its history, or a filtered page; each caller sees only theirs.

A sales point asking for another sales point's order gets NotFound, exactly as for an id
that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from dispatch.auth.principal import Principal, Role
from dispatch.clock import local_tz
from dispatch.enums import OrderStatus
from dispatch.errors import Forbidden, NotFound, ValidationFailed
from dispatch.orders.models import Order
from dispatch.settings import get_settings

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class OrderFilter:
    statuses: Sequence[OrderStatus] = ()
    day: date | None = None  # the local (Hà Nội) day the order was created
    created_from: datetime | None = None
    created_to: datetime | None = None
    external_ref: str | None = None


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    next_cursor: str | None


def tracking_url(order: Order) -> str:
    return tracking_url_for(order.tracking_token)


def tracking_url_for(token: str) -> str:
    """The recipient's tracking page (``/t/{token}``)."""
    return f"{get_settings().base_url.rstrip('/')}/t/{token}"


def visible_orders(viewer: Principal) -> Select[Order]:
    """Every order for staff, a sales point's own for a sales point; others may not list."""
    query = select(Order)
    if viewer.role is Role.SALES_POINT:
        return query.where(Order.sales_point_id == viewer.id)
    if not viewer.is_staff:
        raise Forbidden("only sales points and dispatchers read orders here")
    return query


def get_order(
    session: Session, *, viewer: Principal, order_id: int, for_update: bool = False
) -> Order:
    """The order with its events, or NotFound if absent or not the viewer's."""
    query = visible_orders(viewer).where(Order.id == order_id).options(selectinload(Order.events))
    if for_update:
        query = query.with_for_update()
    order = session.scalars(query).first()
    if order is None:
        raise NotFound(f"there is no order {order_id}")
    return order


def list_orders(
    session: Session,
    *,
    viewer: Principal,
    filters: OrderFilter,
    limit: int = 50,
    cursor: str | None = None,
) -> OrderPage:
    """Newest first; ``next_cursor`` fetches the page after this one."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed.at("limit", f"ask for 1 to {MAX_PAGE_SIZE} orders a page")
    query = _filtered(visible_orders(viewer), filters)
    if cursor is not None:
        query = query.where(Order.id < _decode(cursor))
    orders = list(session.scalars(query.order_by(Order.id.desc()).limit(limit + 1)))
    more = len(orders) > limit
    orders = orders[:limit]
    return OrderPage(orders, _encode(orders[-1].id) if more else None)


def _filtered(query: Select[Order], filters: OrderFilter) -> Select[Order]:
    if filters.statuses:
        query = query.where(Order.status.in_(filters.statuses))
    if filters.day is not None:
        start = datetime.combine(filters.day, time(), tzinfo=local_tz())
        query = query.where(Order.created_at >= start, Order.created_at < start + timedelta(1))
    if filters.created_from is not None:
        query = query.where(Order.created_at >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(Order.created_at < filters.created_to)
    if filters.external_ref is not None:
        query = query.where(Order.external_ref == filters.external_ref)
    return query


def _encode(order_id: int) -> str:
    return base64.urlsafe_b64encode(f"o{order_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("o"):
            return int(raw[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationFailed.at("cursor", "this cursor is not one we gave out; start from page one")
