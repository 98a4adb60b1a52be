"""The order state machine: the only place an order's status changes.

    pending ──▶ assigned ──▶ picked_up ──▶ delivered
       │  ▲        │  │            │
       │  └────────┘  │            └──▶ failed
       │  (unassign)  └──▶ failed
       └──▶ cancelled ◀── assigned

Every change writes an ``OrderEvent``; a change the table does not allow raises
``IllegalTransition`` (HTTP 409) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.enums import OrderStatus
from dispatch.errors import IllegalTransition
from dispatch.orders.models import Order, OrderEvent
from dispatch.webhooks.service import on_status_changed

P, A, U, D, F, C = (
    OrderStatus.PENDING,
    OrderStatus.ASSIGNED,
    OrderStatus.PICKED_UP,
    OrderStatus.DELIVERED,
    OrderStatus.FAILED,
    OrderStatus.CANCELLED,
)

ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    P: frozenset({A, C}),
    # Back to pending when a shipper goes off duty or a route is dissolved before pickup;
    # failed when the pickup itself cannot happen (area locked down).
    A: frozenset({P, U, C, F}),
    U: frozenset({D, F}),
    D: frozenset(),
    F: frozenset(),
    C: frozenset(),
}

TERMINAL = frozenset(status for status, targets in ALLOWED.items() if not targets)
CANCELLABLE = frozenset(status for status in ALLOWED if C in ALLOWED[status])


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in ALLOWED[current]


def transition(
    session: Session,
    order: Order,
    target: OrderStatus,
    *,
    actor: Actor,
    reason: str | None = None,
    note: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Move ``order`` to ``target`` and record the event; raise if the table forbids it."""
    current = order.status
    if not can_transition(current, target):
        raise IllegalTransition(
            f"order {order.id} is {current.value} and cannot become {target.value}",
            details={"status": current.value, "requested": target.value},
        )
    order.status = target
    event = record_event(
        session,
        order,
        kind="status_changed",
        actor=actor,
        from_status=current,
        to_status=target,
        reason=reason,
        note=note,
        lat=lat,
        lon=lon,
        data=data,
    )
    on_status_changed(session, order, event)  # queues the sales point's webhooks
    return event


def record_event(
    session: Session,
    order: Order,
    *,
    kind: str,
    actor: Actor,
    from_status: OrderStatus | None = None,
    to_status: OrderStatus | None = None,
    reason: str | None = None,
    note: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append a line to the order's history (status changes and manual actions alike)."""
    event = OrderEvent(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_id=actor.id,
        reason=reason,
        note=note,
        lat=lat,
        lon=lon,
        data=data or {},
    )
    session.add(event)
    return event
