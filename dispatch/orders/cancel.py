"""Cancelling an order: the sales point that sent it, or staff, until it is picked up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.auth.principal import Principal
from dispatch.enums import OrderStatus
from dispatch.errors import IllegalTransition
from dispatch.orders.models import Order
from dispatch.orders.queries import get_order
from dispatch.orders.states import CANCELLABLE, transition


def cancel_order(
    session: Session, *, viewer: Principal, order_id: int, reason: str | None = None
) -> Order:
    """Move the order to cancelled; 409 once a shipper has picked it up (or it has ended)."""
    order = get_order(session, viewer=viewer, order_id=order_id, for_update=True)
    if order.status not in CANCELLABLE:
        raise IllegalTransition(
            f"order {order.id} is {order.status.value} and can no longer be cancelled"
            + (" (a shipper has picked it up)" if order.status is OrderStatus.PICKED_UP else ""),
            details={"status": order.status.value},
        )
    transition(
        session, order, OrderStatus.CANCELLED, actor=viewer.actor, reason="cancelled", note=reason
    )
    session.flush()
    return order
