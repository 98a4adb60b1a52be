"""Which delivery route a shipper is on now, and the stops a shipper may act on.

A shipper works one route at a time: the one in progress, else the oldest planned one,
else the one finished last today (so the page can still show it done). Everything a
shipper sees or does is limited to that route; any other order is reported as not found,
so a shipper cannot even learn that another order exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session, selectinload

from dispatch.clock import local_today, local_tz
from dispatch.enums import RouteStatus, StopKind
from dispatch.errors import NotFound
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop

ACTIVE = (RouteStatus.PLANNED, RouteStatus.IN_PROGRESS)


def current_route(session: Session, *, shipper_id: int) -> Route | None:
    """The route the shipper is on now, with its stops and their orders loaded."""
    in_progress_first = case((Route.status == RouteStatus.IN_PROGRESS, 0), else_=1)
    loaded = selectinload(Route.stops).selectinload(Stop.order).selectinload(Order.sales_point)
    active = session.scalar(
        select(Route)
        .where(Route.shipper_id == shipper_id, Route.status.in_(ACTIVE))
        .order_by(in_progress_first, Route.id)
        .options(loaded)
        .limit(1)
    )
    if active is not None:
        return active
    return session.scalar(
        select(Route)
        .where(
            Route.shipper_id == shipper_id,
            Route.status == RouteStatus.COMPLETED,
            Route.completed_at >= _start_of_today(),
        )
        .order_by(Route.completed_at.desc(), Route.id.desc())
        .options(loaded)
        .limit(1)
    )


def _start_of_today() -> datetime:
    today = local_today()
    return datetime(today.year, today.month, today.day, tzinfo=local_tz())


def stops_of_order(session: Session, *, shipper_id: int, order_id: int) -> dict[StopKind, Stop]:
    """The order's pickup and delivery stops on the shipper's current route, else 404."""
    route = current_route(session, shipper_id=shipper_id)
    stops = {} if route is None else {s.kind: s for s in route.stops if s.order_id == order_id}
    if not stops:
        raise NotFound(f"order {order_id} is not on your current route")
    return stops
