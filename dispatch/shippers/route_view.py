"""The shipper's current route as plain data, for the phone page and ``GET /v1/me/route``.

Only what the shipper needs on the road: stops in order with ETAs, what to collect at a
sales point, and for a delivery the recipient's given name (not the full name), the
address and hand-off wishes. The recipient's phone number is shown only on the current
stop, the one the shipper is heading to, so a lost phone leaks as little as possible.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from dispatch.enums import OrderStatus, PaymentMethod, StopKind, StopStatus
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from dispatch.shippers.current_route import current_route


@dataclass(frozen=True)
class PickupView:
    sales_point_name: str
    address: str
    items: list[dict[str, Any]]
    parcels: int
    weight_kg: float
    ref: str | None


@dataclass(frozen=True)
class DeliveryView:
    recipient_first_name: str
    address: str
    handoff_preference: str
    handoff_note: str | None
    parcels: int
    weight_kg: float
    cod_amount_vnd: int
    recipient_phone: str | None


@dataclass(frozen=True)
class StopView:
    id: int
    sequence: int
    kind: StopKind
    status: StopStatus
    order_id: int
    order_status: OrderStatus
    eta: datetime | None
    completed_at: datetime | None
    lat: float
    lon: float
    navigation_url: str
    geo_uri: str
    is_current: bool
    pickup: PickupView | None
    delivery: DeliveryView | None


@dataclass(frozen=True)
class Progress:
    done: int
    left: int
    km_total: float
    km_left: float


@dataclass(frozen=True)
class RouteView:
    route_id: int | None
    status: str | None
    stops: list[StopView]
    progress: Progress


def route_view(session: Session, *, shipper_id: int) -> RouteView:
    """The shipper's current route; an empty one when nothing is planned for them."""
    route = current_route(session, shipper_id=shipper_id)
    if route is None:
        return RouteView(route_id=None, status=None, stops=[], progress=Progress(0, 0, 0.0, 0.0))
    stops = [s for s in route.stops if s.order.status is not OrderStatus.CANCELLED]
    current = next((s for s in stops if s.status is StopStatus.PLANNED), None)
    return RouteView(
        route_id=route.id,
        status=route.status.value,
        stops=[_stop(s, is_current=s is current) for s in stops],
        progress=_progress(route, stops),
    )


def first_name(full_name: str) -> str:
    """The given name: Vietnamese names put it last (Trần Thị **Lan**)."""
    parts = full_name.split()
    return parts[-1] if parts else ""


def navigation_url(lat: float, lon: float) -> str:
    """A Google Maps directions link; on a phone it opens the installed maps app."""
    query = urlencode(
        {"api": 1, "destination": f"{lat:.6f},{lon:.6f}", "travelmode": "driving"}, safe=","
    )
    return f"https://www.google.com/maps/dir/?{query}"


def geo_uri(lat: float, lon: float) -> str:
    """RFC 5870 ``geo:`` URI: Android offers every installed map app, offline ones too."""
    return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}"


def _stop(stop: Stop, *, is_current: bool) -> StopView:
    order = stop.order
    return StopView(
        id=stop.id,
        sequence=stop.sequence,
        kind=stop.kind,
        status=stop.status,
        order_id=order.id,
        order_status=order.status,
        eta=stop.planned_arrival,
        completed_at=stop.completed_at,
        lat=stop.lat,
        lon=stop.lon,
        navigation_url=navigation_url(stop.lat, stop.lon),
        geo_uri=geo_uri(stop.lat, stop.lon),
        is_current=is_current,
        pickup=_pickup(order) if stop.kind is StopKind.PICKUP else None,
        delivery=_delivery(order, is_current) if stop.kind is StopKind.DELIVERY else None,
    )


def _pickup(order: Order) -> PickupView:
    return PickupView(
        sales_point_name=order.sales_point.name,
        address=order.sales_point.address,
        items=list(order.items or []),
        parcels=order.parcels,
        weight_kg=order.weight_kg,
        ref=order.external_ref,
    )


def _delivery(order: Order, is_current: bool) -> DeliveryView:
    cod = order.cod_amount_vnd if order.payment_method is PaymentMethod.COD else 0
    return DeliveryView(
        recipient_first_name=first_name(order.recipient_name),
        address=order.address,
        handoff_preference=order.handoff_preference.value,
        handoff_note=order.handoff_note,
        parcels=order.parcels,
        weight_kg=order.weight_kg,
        cod_amount_vnd=cod,
        recipient_phone=order.recipient_phone if is_current else None,
    )


def _progress(route: Route, stops: list[Stop]) -> Progress:
    """Stops done and left; km left is the planned distance shared out by straight legs."""
    done = sum(1 for s in stops if s.status is not StopStatus.PLANNED)
    legs = [_km(a, b) for a, b in itertools.pairwise(stops)]
    straight = sum(legs)
    km_total = route.distance_m / 1000 if route.distance_m else straight
    settled = [i for i, s in enumerate(stops) if s.status is not StopStatus.PLANNED]
    travelled = sum(legs[: max(settled)]) if settled else 0.0
    km_left = km_total * (1 - travelled / straight) if straight else 0.0
    if done == len(stops):
        km_left = 0.0
    return Progress(
        done=done, left=len(stops) - done, km_total=round(km_total, 1), km_left=round(km_left, 1)
    )


def _km(a: Stop, b: Stop) -> float:
    """Great-circle distance between two stops."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))
