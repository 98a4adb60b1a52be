"""Reading a delivery's proof (the code check or the photo), for dispatchers and the
sales point that owns the order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.principal import Principal, Role
from dispatch.errors import NotFound
from dispatch.orders.models import Order, ProofOfDelivery


def proof_for(session: Session, *, order_id: int, viewer: Principal) -> ProofOfDelivery:
    """The order's proof of delivery; 404 when absent or not the viewer's to see."""
    order = session.get(Order, order_id)
    visible = order is not None and (
        viewer.is_staff or (viewer.role is Role.SALES_POINT and order.sales_point_id == viewer.id)
    )
    proof = (
        session.scalar(select(ProofOfDelivery).where(ProofOfDelivery.order_id == order_id))
        if visible
        else None
    )
    if proof is None:
        raise NotFound(f"order {order_id} has no proof of delivery you can see")
    return proof
