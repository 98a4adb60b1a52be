"""The final write of a planning run: routes, stops with ETAs, assignments, reasons.

It runs in one transaction, after the solve, and trusts nothing read before it: the run
must still be running (a second delivery of the same job finds it done and writes
nothing), and each claimed order must be unchanged since it was read, still pending and
still claimed by this run. An order cancelled during the solve is left out, never
resurrected; a shipper who went off duty or whose route was locked meanwhile gets nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.clock import utcnow
from dispatch.enums import OrderStatus, RouteStatus, StopKind, StopStatus
from dispatch.orders.models import Order
from dispatch.orders.states import record_event, transition
from dispatch.planning.fleet import ACTIVE_ROUTE
from dispatch.planning.models import PlanningRun, Route, Stop
from dispatch.planning.problem import PlanInput, order_id_of, shipper_id_of
from dispatch.planning.runs import finish_run, lock_running_run
from dispatch.shippers.models import Shipper
from routing import Solution, VehicleRoute

__all__ = ["REASON_TEXT", "SHIPPER_CHANGED", "apply_plan"]

SHIPPER_CHANGED = "shipper_unavailable"
MAX_LISTED = 100
"""Ids listed in a run's figures, at most (the counts are complete)."""
REASON_TEXT = {
    "too_heavy": "heavier or bulkier than any cleared shipper can carry",
    "window_unreachable": "no shipper can reach the recipient within the delivery window",
    "outside_shifts": "no cleared shipper works during the delivery window",
    "no_vehicles": "no shipper is on duty with a passing health declaration today",
    "no_room": "every shipper who could take it is full; the next run will try again",
    "window_passed": "the delivery window closed before planning",
    SHIPPER_CHANGED: "the chosen shipper went off duty or was locked during planning",
}


@dataclass
class _Tally:
    planned: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    routes: set[int] = field(default_factory=set)
    metres: int = 0


def apply_plan(
    session: Session, *, plan: PlanInput, solution: Solution, solver_s: float, **extra: Any
) -> dict[str, Any] | None:
    """Write ``solution`` for ``plan``; the run's figures, or None if it was not running."""
    run = lock_running_run(session, run_id=plan.run_id)
    if run is None:
        return None
    orders = _unchanged_claims(session, plan)
    tally = _Tally()
    for vehicle_route in solution.routes:
        _write_route(session, run, plan, vehicle_route, orders, tally)
    for left in solution.unassigned:
        order = orders.pop(order_id_of(left.job_id), None)
        if order is not None:
            _leave_pending(session, order, left.reason.value, tally)
    for order_id, reason in plan.rejected.items():
        order = session.get(Order, order_id)
        if order is not None and order.claimed_by_run_id == run.id:
            _leave_pending(session, order, reason, tally)
    for order in orders.values():  # claimed, unchanged, yet in no route: keep it honest
        _leave_pending(session, order, SHIPPER_CHANGED, tally)
    figures = _figures(run, plan, solution, tally, solver_s, extra)
    finish_run(session, run=run, figures=figures)
    return figures


def _unchanged_claims(session: Session, plan: PlanInput) -> dict[int, Order]:
    """The claimed orders nobody touched since they were read, locked for this write."""
    rows = session.scalars(
        select(Order)
        .where(Order.id.in_(list(plan.versions)))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {
        o.id: o
        for o in rows
        if o.version == plan.versions[o.id]
        and o.status is OrderStatus.PENDING
        and o.claimed_by_run_id == plan.run_id
    }


def _write_route(
    session: Session,
    run: PlanningRun,
    plan: PlanInput,
    vehicle_route: VehicleRoute,
    orders: dict[int, Order],
    tally: _Tally,
) -> None:
    new_ids = [order_id_of(s.job_id) for s in vehicle_route.stops]
    new_orders = list(dict.fromkeys(i for i in new_ids if i in orders))
    if not new_orders:
        return  # nothing new for this shipper: their route and its ETAs stay as they are
    shipper = session.get(Shipper, shipper_id_of(vehicle_route.vehicle_id))
    route = _active_route(session, shipper)
    if shipper is None or route is None:
        for order_id in new_orders:
            _leave_pending(session, orders.pop(order_id), SHIPPER_CHANGED, tally)
        return
    _place_stops(session, route, plan, vehicle_route, orders)
    route.planning_run_id = run.id
    route.distance_m = vehicle_route.distance_m
    for order_id in new_orders:
        order = orders.pop(order_id)
        _assign(session, order, run_id=run.id, route=route)
        tally.planned += 1
    tally.routes.add(route.id)
    tally.metres += vehicle_route.distance_m


def _active_route(session: Session, shipper: Shipper | None) -> Route | None:
    """The shipper's route to extend, a new one if none; None if they may not get work."""
    if shipper is None or not shipper.on_duty:
        return None
    routes = session.scalars(
        select(Route)
        .where(Route.shipper_id == shipper.id, Route.status.in_(ACTIVE_ROUTE))
        .order_by(Route.id)
        .with_for_update()
    ).all()
    if any(r.locked for r in routes):
        return None
    in_progress = [r for r in routes if r.status is RouteStatus.IN_PROGRESS]
    route = next(iter(in_progress or routes), None)
    if route is None:
        route = Route(shipper=shipper, status=RouteStatus.PLANNED)
        session.add(route)
        session.flush()
    return route


def _place_stops(
    session: Session,
    route: Route,
    plan: PlanInput,
    vehicle_route: VehicleRoute,
    orders: dict[int, Order],
) -> None:
    """Done stops keep their places; planned ones follow in the solver's order with ETAs."""
    existing = {(s.order_id, s.kind): s for s in route.stops}
    reused = _stops_elsewhere(session, orders)
    sequence = max(
        (s.sequence for s in route.stops if s.status is not StopStatus.PLANNED), default=0
    )
    placed: set[int] = set()
    for planned in vehicle_route.stops:
        key = (order_id_of(planned.job_id), StopKind(planned.kind.value))
        stop = existing.get(key)
        if stop is None and key[0] in orders:
            stop = reused.get(key) or Stop(order_id=key[0], kind=key[1])
            session.add(stop)
            stop.route, stop.status = route, StopStatus.PLANNED
            stop.lat, stop.lon = planned.location.lat, planned.location.lon
        if stop is None or stop.status is not StopStatus.PLANNED:
            continue
        sequence += 1
        stop.sequence = sequence
        stop.planned_arrival = plan.eta(planned.arrival_s + planned.wait_s)
        stop.planned_departure = plan.eta(planned.departure_s)
        placed.add(id(stop))
    for stop in route.stops:  # planned stops the solver did not see keep their order, last
        if stop.status is StopStatus.PLANNED and id(stop) not in placed:
            sequence += 1
            stop.sequence = sequence
    session.flush()


def _stops_elsewhere(
    session: Session, orders: dict[int, Order]
) -> dict[tuple[int, StopKind], Stop]:
    """Stops left from an earlier assignment of these orders (unassigned since): reused,
    since an order has one pickup and one delivery stop."""
    if not orders:
        return {}
    stops = session.scalars(select(Stop).where(Stop.order_id.in_(list(orders)))).all()
    return {(s.order_id, s.kind): s for s in stops}


def _assign(session: Session, order: Order, *, run_id: int, route: Route) -> None:
    transition(
        session,
        order,
        OrderStatus.ASSIGNED,
        actor=SYSTEM,
        data={"planning_run_id": run_id, "route_id": route.id, "shipper_id": route.shipper_id},
    )
    order.unassigned_reason = None
    order.unassigned_detail = None
    order.claimed_by_run_id = None
    order.claim_expires_at = None


def _leave_pending(session: Session, order: Order, reason: str, tally: _Tally) -> None:
    """The order stays pending; its reason is recorded (with an event when it changes)."""
    tally.reasons[reason] += 1
    if order.unassigned_reason != reason:
        order.unassigned_reason = reason
        order.unassigned_detail = REASON_TEXT.get(reason, reason)
        record_event(
            session,
            order,
            kind="unassigned",
            actor=SYSTEM,
            reason=reason,
            note=order.unassigned_detail,
        )
    order.claimed_by_run_id = None
    order.claim_expires_at = None


def _figures(
    run: PlanningRun,
    plan: PlanInput,
    solution: Solution,
    tally: _Tally,
    solver_s: float,
    extra: dict[str, Any],
) -> dict[str, Any]:
    started: datetime = run.started_at or run.created_at
    orders_in = len(plan.versions) + len(plan.rejected)
    return {
        "orders_in": orders_in,
        "orders_planned": tally.planned,
        "unassigned_by_reason": dict(sorted(tally.reasons.items())),
        "changed_during_solve": orders_in - tally.planned - sum(tally.reasons.values()),
        "routes": len(tally.routes),
        "total_km": round(tally.metres / 1000, 3),
        "solver_s": round(solver_s, 3),
        "wall_s": round((utcnow() - started).total_seconds(), 3),
        "shippers": len(plan.problem.vehicles),
        "carried_jobs": len(plan.problem.jobs) - len(plan.versions),
        "relaxed": _relaxed(solution),
        **extra,
    }


def _relaxed(solution: Solution) -> dict[str, Any]:
    """What the stops shippers already had could no longer keep (late, overloaded, past
    the shift end): kept anyway, counted by rule, with the orders and shippers concerned."""
    by_rule = Counter(r.rule for r in solution.relaxed)
    late = sorted({order_id_of(r.job_id) for r in solution.relaxed if r.job_id is not None})
    shippers = sorted({shipper_id_of(r.vehicle_id) for r in solution.relaxed})
    return {
        "by_rule": dict(sorted(by_rule.items())),
        "late_order_ids": late[:MAX_LISTED],
        "shipper_ids": shippers[:MAX_LISTED],
    }
