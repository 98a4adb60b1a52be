"""Moving orders to another shipper: cheapest feasible positions, new ETAs on both routes.

The orders are inserted one after another into the receiving route, each at its cheapest
position that breaks no new rule; the routes they leave keep their order and get new ETAs.
Nothing is written unless the whole move is accepted: a move that breaks a rule (on
either side) is refused with every reason, unless the dispatcher forces it, and then the
moved stops are marked ``forced``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.clock import local_today, utcnow
from dispatch.enums import OrderStatus, StopKind
from dispatch.errors import Conflict, NotFound, ValidationFailed
from dispatch.orders.models import Order
from dispatch.orders.states import record_event, transition
from dispatch.planning.models import Route, Stop
from dispatch.rebalancing.breaches import MoveRefused, describe
from dispatch.rebalancing.insertion import cheapest_insertion, new_breaches
from dispatch.rebalancing.plan import RoutePlan, build_plan, write_schedule
from dispatch.shippers.current_route import current_route
from dispatch.shippers.models import HealthDeclaration, Shipper

__all__ = ["MAX_ORDERS_PER_MOVE", "Move", "reassign_orders"]

MAX_ORDERS_PER_MOVE = 100


@dataclass(frozen=True)
class Move:
    route: Route
    """The receiving route."""
    left: tuple[Route, ...]
    """The routes the orders came from."""
    orders: tuple[Order, ...]
    forced: bool
    violations: tuple[dict[str, Any], ...]
    """What the move breaks (empty unless it was forced)."""


def reassign_orders(
    session: Session,
    *,
    order_ids: Sequence[int],
    shipper_id: int,
    actor: Actor,
    force: bool = False,
    note: str | None = None,
    now: datetime | None = None,
) -> Move:
    """Move pending or assigned orders onto ``shipper_id``'s route (see the module doc)."""
    now = now or utcnow()
    _check_ids(order_ids)
    shipper = _receiving_shipper(session, shipper_id)
    orders = _movable_orders(session, order_ids, shipper, now)
    receiving = current_route(session, shipper_id=shipper.id) or _new_route(session, shipper)
    plan = build_plan(session, receiving, now=now, extra=orders)
    sequence, violations = _insert_all(plan, orders)
    donors = _donor_plans(session, orders, now)
    left = {route_id: _without(p, orders) for route_id, p in donors.items()}
    for route_id, donor in donors.items():
        found = new_breaches(donor.net, donor.sequence, left[route_id])
        violations += [describe(donor, b) for b in found]
    violations += _health_problem(session, shipper)
    if violations and not force:
        raise MoveRefused(violations)
    forced = bool(violations)
    write_schedule(session, plan, sequence, placed=dict.fromkeys((o.id for o in orders), forced))
    for route_id, donor in donors.items():
        write_schedule(session, donor, left[route_id])
    _record(session, orders, donors, receiving, actor=actor, note=note, violations=violations)
    session.flush()
    return Move(
        receiving,
        tuple(d.route for d in donors.values()),
        tuple(orders),
        forced,
        tuple(violations),
    )


def _check_ids(order_ids: Sequence[int]) -> None:
    if not order_ids:
        raise ValidationFailed.at("order_ids", "name at least one order")
    if len(order_ids) > MAX_ORDERS_PER_MOVE:
        raise ValidationFailed.at("order_ids", f"at most {MAX_ORDERS_PER_MOVE} orders per move")
    if len(set(order_ids)) != len(order_ids):
        raise ValidationFailed.at("order_ids", "an order is named more than once")


def _receiving_shipper(session: Session, shipper_id: int) -> Shipper:
    shipper = session.get(Shipper, shipper_id)
    if shipper is None:
        raise NotFound(f"there is no shipper {shipper_id}")
    if not shipper.on_duty:
        raise MoveRefused(
            [_problem("off_duty", None, shipper, f"{shipper.name} is off duty")], forceable=False
        )
    return shipper


def _movable_orders(
    session: Session, order_ids: Sequence[int], shipper: Shipper, now: datetime
) -> list[Order]:
    found = {
        o.id: o
        for o in session.scalars(select(Order).where(Order.id.in_(order_ids)).with_for_update())
    }
    missing = [i for i in order_ids if i not in found]
    if missing:
        raise NotFound(f"there is no order {', '.join(map(str, missing))}")
    orders = [found[i] for i in order_ids]
    for order in orders:
        _check_movable(session, order, shipper, now)
    return orders


def _check_movable(session: Session, order: Order, shipper: Shipper, now: datetime) -> None:
    if order.status is OrderStatus.PICKED_UP:
        raise Conflict(
            f"order {order.id} is picked up: the parcel stays with its shipper until delivered",
            details={"order_id": order.id, "status": order.status.value},
        )
    if order.status not in (OrderStatus.PENDING, OrderStatus.ASSIGNED):
        raise Conflict(
            f"order {order.id} is {order.status.value} and can no longer be moved",
            details={"order_id": order.id, "status": order.status.value},
        )
    if order.status is OrderStatus.PENDING and _claimed(order, now):
        raise Conflict(
            f"order {order.id} is being planned by planning run {order.claimed_by_run_id} "
            "right now; try again when the run has finished",
            details={"order_id": order.id, "planning_run_id": order.claimed_by_run_id},
        )
    holder = _route_of(session, order)
    if holder is not None and holder.shipper_id == shipper.id:
        raise Conflict(
            f"order {order.id} is already on {shipper.name}'s route",
            details={"order_id": order.id, "route_id": holder.id},
        )


def _claimed(order: Order, now: datetime) -> bool:
    return (
        order.claimed_by_run_id is not None
        and order.claim_expires_at is not None
        and order.claim_expires_at > now
    )


def _route_of(session: Session, order: Order) -> Route | None:
    return session.scalar(
        select(Route)
        .join(Stop, Stop.route_id == Route.id)
        .where(Stop.order_id == order.id, Stop.kind == StopKind.DELIVERY)
    )


def _new_route(session: Session, shipper: Shipper) -> Route:
    route = Route(shipper=shipper, distance_m=0, locked=False)
    session.add(route)
    session.flush()
    return route


def _insert_all(plan: RoutePlan, orders: list[Order]) -> tuple[tuple[int, ...], list[Any]]:
    sequence, violations = plan.sequence, []
    for order in orders:
        pickup = plan.node_of[(order.id, StopKind.PICKUP)]
        delivery = plan.node_of[(order.id, StopKind.DELIVERY)]
        insertion = cheapest_insertion(plan.net, sequence, pickup, delivery)
        violations += [describe(plan, b) for b in insertion.breaches]
        sequence = insertion.route
    return sequence, violations


def _donor_plans(session: Session, orders: list[Order], now: datetime) -> dict[int, RoutePlan]:
    plans: dict[int, RoutePlan] = {}
    for order in orders:
        route = _route_of(session, order)
        if route is not None and route.id not in plans:
            plans[route.id] = build_plan(session, route, now=now)
    return plans


def _without(plan: RoutePlan, orders: list[Order]) -> tuple[int, ...]:
    moved = {o.id for o in orders}
    return tuple(n for n in plan.sequence if plan.key_of(n)[0] not in moved)


def _health_problem(session: Session, shipper: Shipper) -> list[dict[str, Any]]:
    declaration = session.scalar(
        select(HealthDeclaration).where(
            HealthDeclaration.shipper_id == shipper.id, HealthDeclaration.day == local_today()
        )
    )
    if declaration is None:
        return [_problem("health", None, shipper, f"{shipper.name} has not declared health today")]
    if not declaration.passed:
        failed = ", ".join(declaration.failures) or "a question"
        return [
            _problem(
                "health",
                None,
                shipper,
                f"{shipper.name}'s health declaration failed today ({failed})",
            )
        ]
    return []


def _problem(rule: str, order_id: int | None, shipper: Shipper, message: str) -> dict[str, Any]:
    return {"rule": rule, "order_id": order_id, "shipper_id": shipper.id, "message": message}


def _record(
    session: Session,
    orders: list[Order],
    donors: dict[int, RoutePlan],
    receiving: Route,
    *,
    actor: Actor,
    note: str | None,
    violations: list[dict[str, Any]],
) -> None:
    origin = {oid: p.route for p in donors.values() for oid in p.orders}
    for order in orders:
        left = origin.get(order.id)
        data = {
            "from_route_id": left.id if left else None,
            "from_shipper_id": left.shipper_id if left else None,
            "to_route_id": receiving.id,
            "to_shipper_id": receiving.shipper_id,
            "forced": bool(violations),
            "violations": [v["message"] for v in violations],
        }
        if order.status is OrderStatus.PENDING:
            order.unassigned_reason = order.unassigned_detail = None
            order.claimed_by_run_id = order.claim_expires_at = None
            transition(
                session,
                order,
                OrderStatus.ASSIGNED,
                actor=actor,
                reason="manual",
                note=note,
                data=data,
            )
        else:
            record_event(
                session,
                order,
                kind="reassigned",
                actor=actor,
                reason="manual",
                note=note,
                data=data,
            )
