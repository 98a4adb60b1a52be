"""Cancelling an order: the sales point that sent it, or staff, until it is picked up.

An assigned order's pickup and delivery leave its shipper's route, and the stops left get
new sequences and ETAs (the rebalancing module's re-timing, as when a shipper goes off
duty).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.principal import Principal
from dispatch.clock import utcnow
from dispatch.enums import OrderStatus, StopStatus
from dispatch.errors import IllegalTransition
from dispatch.orders.models import Order
from dispatch.orders.queries import get_order
from dispatch.orders.states import CANCELLABLE, transition
from dispatch.planning.models import Route, Stop
from dispatch.rebalancing.plan import remove_orders


def cancel_order(
    session: Session,
    *,
    viewer: Principal,
    order_id: int,
    reason: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Move the order to cancelled and off its route; 409 once a shipper has picked it up
    (or it has ended)."""
    order = get_order(session, viewer=viewer, order_id=order_id, for_update=True)
    if order.status not in CANCELLABLE:
        raise IllegalTransition(
            f"order {order.id} is {order.status.value} and can no longer be cancelled"
            + (" (a shipper has picked it up)" if order.status is OrderStatus.PICKED_UP else ""),
            details={"status": order.status.value},
        )
    for route in _routes_holding(session, order):
        remove_orders(session, route, {order.id}, now=now or utcnow())
    transition(
        session, order, OrderStatus.CANCELLED, actor=viewer.actor, reason="cancelled", note=reason
    )
    session.flush()
    return order


def _routes_holding(session: Session, order: Order) -> list[Route]:
    """The routes with a stop of ``order`` still to do (one, for an assigned order)."""
    return list(
        session.scalars(
            select(Route)
            .join(Stop, Stop.route_id == Route.id)
            .where(Stop.order_id == order.id, Stop.status == StopStatus.PLANNED)
            .distinct()
        )
    )
