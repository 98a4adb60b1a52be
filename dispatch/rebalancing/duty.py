"""Taking a shipper off duty mid-day, and back on.

Off duty, the orders they have not picked up go back to ``pending`` (their stops leave the
route) and a planning run is queued at once to give them to someone else. Parcels already
picked up stay with the shipper: only they can deliver or return them. A failing health
declaration sends the shipper's orders back the same way (``return_to_planning``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.clock import utcnow
from dispatch.enums import ActorKind, OrderStatus, PlanningTrigger, StopStatus
from dispatch.errors import NotFound
from dispatch.orders.models import Order
from dispatch.orders.states import transition
from dispatch.planning.models import PlanningRun, Route
from dispatch.planning.runs import create_run
from dispatch.rebalancing.plan import remove_orders
from dispatch.shippers.models import Shipper

__all__ = ["OFF_DUTY_REASON", "DutyChange", "return_to_planning", "set_on_duty"]

OFF_DUTY_REASON = "shipper_off_duty"


@dataclass(frozen=True)
class DutyChange:
    shipper: Shipper
    returned: tuple[Order, ...]
    """Orders sent back to planning."""
    run: PlanningRun | None
    """The planning run queued to re-plan them."""


def set_on_duty(
    session: Session,
    *,
    shipper_id: int,
    on_duty: bool,
    actor: Actor,
    note: str | None = None,
    now: datetime | None = None,
) -> DutyChange:
    """Put the shipper on or off duty (see the module doc); a no-op if already so."""
    shipper = session.get(Shipper, shipper_id)
    if shipper is None:
        raise NotFound(f"there is no shipper {shipper_id}")
    if shipper.on_duty == on_duty:
        return DutyChange(shipper, (), None)
    shipper.on_duty = on_duty
    if on_duty:
        session.flush()
        return DutyChange(shipper, (), None)
    return return_to_planning(
        session, shipper, actor=actor, reason=OFF_DUTY_REASON, note=note, now=now
    )


def return_to_planning(
    session: Session,
    shipper: Shipper,
    *,
    actor: Actor,
    reason: str,
    note: str | None = None,
    now: datetime | None = None,
) -> DutyChange:
    """Send the shipper's orders not yet picked up back to ``pending`` (their stops leave
    the route, the rest is re-timed) and queue a planning run for them if there were any."""
    returned = _return_unpicked(
        session, shipper, actor=actor, reason=reason, note=note, now=now or utcnow()
    )
    run = None
    if returned:
        user_id = actor.id if actor.kind in (ActorKind.DISPATCHER, ActorKind.ADMIN) else None
        run = create_run(
            session, trigger=PlanningTrigger.SHIPPER_OFF_DUTY, requested_by_user_id=user_id
        )
    session.flush()
    return DutyChange(shipper, tuple(returned), run)


def _return_unpicked(
    session: Session,
    shipper: Shipper,
    *,
    actor: Actor,
    reason: str,
    note: str | None,
    now: datetime,
) -> list[Order]:
    routes = session.scalars(select(Route).where(Route.shipper_id == shipper.id)).all()
    returned: list[Order] = []
    for route in routes:
        unpicked = [
            s.order
            for s in route.stops
            if s.status is StopStatus.PLANNED and s.order.status is OrderStatus.ASSIGNED
        ]
        if not unpicked:
            continue
        orders = list({o.id: o for o in unpicked}.values())
        remove_orders(session, route, {o.id for o in orders}, now=now)
        for order in orders:
            transition(
                session,
                order,
                OrderStatus.PENDING,
                actor=actor,
                reason=reason,
                note=note,
                data={"route_id": route.id, "shipper_id": shipper.id},
            )
        returned += orders
    return returned
