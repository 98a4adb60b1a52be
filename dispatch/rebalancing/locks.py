"""Locking a route so that planning runs leave it alone (dispatchers may still edit it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.enums import StopKind, StopStatus
from dispatch.errors import NotFound
from dispatch.orders.states import record_event
from dispatch.planning.models import Route

__all__ = ["get_route", "set_locked"]


def get_route(session: Session, *, route_id: int) -> Route:
    route = session.get(Route, route_id)
    if route is None:
        raise NotFound(f"there is no route {route_id}")
    return route


def set_locked(
    session: Session, *, route_id: int, locked: bool, actor: Actor, note: str | None = None
) -> Route:
    """Lock or unlock the route; each order still to deliver on it records who and why.

    Asking for the state the route is already in changes nothing and records nothing.
    """
    route = get_route(session, route_id=route_id)
    if route.locked == locked:
        return route
    route.locked = locked
    kind = "route_locked" if locked else "route_unlocked"
    for stop in route.stops:
        if stop.kind is StopKind.DELIVERY and stop.status is StopStatus.PLANNED:
            record_event(
                session, stop.order, kind=kind, actor=actor, note=note, data={"route_id": route.id}
            )
    session.flush()
    return route
