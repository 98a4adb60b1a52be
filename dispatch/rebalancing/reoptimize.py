"""Re-optimising routes: routing's solver re-orders each route's remaining stops.

Each route is solved on its own, as a one-vehicle problem from the shipper's position, so
picked-up parcels (deliveries from the start) stay with the shipper who holds them and no
order changes hands; moving work between shippers is a planning run's or a dispatcher's
job. The current order warm-starts the search, so a feasible route stays feasible. An
order the solver cannot keep goes back to ``pending`` with the solver's reason.

The request is answered at once; the solve runs as a background job (a Celery task in
production) sent when the request's transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.actors import Actor
from dispatch.clock import utcnow
from dispatch.enums import ActorKind, OrderStatus, RouteStatus, StopKind
from dispatch.errors import Conflict, NotFound, ValidationFailed
from dispatch.jobs import enqueue_after_commit
from dispatch.orders.states import record_event, transition
from dispatch.planning.models import Route
from dispatch.rebalancing.plan import RoutePlan, build_plan, write_schedule
from routing.problem import StopKind as RoutingStopKind
from routing.solution import RouteStop, Solution, VehicleRoute
from routing.solve import solve

__all__ = ["REOPTIMIZE_JOB", "reoptimize_routes", "request_reoptimization"]

REOPTIMIZE_JOB = "rebalancing.reoptimize"
MAX_ROUTES = 50
SOLVER_TIME_LIMIT_S = 5.0


def request_reoptimization(
    session: Session, *, route_ids: Sequence[int], actor: Actor, note: str | None = None
) -> list[Route]:
    """Check the routes can be re-optimised and queue the job; it runs after the commit."""
    if not route_ids or len(route_ids) > MAX_ROUTES:
        raise ValidationFailed.at("route_ids", f"name 1 to {MAX_ROUTES} routes")
    routes = []
    for route_id in dict.fromkeys(route_ids):
        route = session.get(Route, route_id)
        if route is None:
            raise NotFound(f"there is no route {route_id}")
        if route.status is RouteStatus.COMPLETED:
            raise Conflict(f"route {route_id} is completed; there is nothing left to re-order")
        if route.locked:
            raise Conflict(f"route {route_id} is locked; unlock it first to re-optimise it")
        routes.append(route)
    enqueue_after_commit(
        session,
        REOPTIMIZE_JOB,
        route_ids=[r.id for r in routes],
        actor_kind=actor.kind.value,
        actor_id=actor.id,
        note=note,
    )
    return routes


def reoptimize_routes(
    session: Session,
    *,
    route_ids: Sequence[int],
    actor: Actor,
    note: str | None = None,
    now: datetime | None = None,
    time_limit_s: float = SOLVER_TIME_LIMIT_S,
) -> list[Route]:
    """Re-order each route's remaining stops (see the module doc); routes that have been
    completed, locked or deleted since the request are skipped."""
    done = []
    for route_id in dict.fromkeys(route_ids):
        route = session.get(Route, route_id)
        if route is None or route.locked or route.status is RouteStatus.COMPLETED:
            continue
        plan = build_plan(session, route, now=now or utcnow())
        if plan.sequence:
            _reoptimize(session, plan, actor=actor, note=note, time_limit_s=time_limit_s)
        done.append(route)
    session.flush()
    return done


def _reoptimize(
    session: Session, plan: RoutePlan, *, actor: Actor, note: str | None, time_limit_s: float
) -> None:
    current = _as_solution(plan, plan.sequence)
    solution = solve(plan.problem, time_limit_s=time_limit_s, initial=current)
    routed = solution.routes[0].stops if solution.routes else ()
    sequence = [plan.node_of[(int(s.job_id), StopKind(s.kind.value))] for s in routed]
    dropped = {int(u.job_id): u.reason.value for u in solution.unassigned}
    # A parcel on board cannot go back to planning: it stays, last, with its shipper.
    on_board = [o for o in dropped if plan.orders[o].status is OrderStatus.PICKED_UP]
    sequence += [plan.node_of[(o, StopKind.DELIVERY)] for o in on_board]
    for order_id in on_board:
        del dropped[order_id]
    for order_id in dropped:
        for kind in StopKind:
            stop = plan.stops.get((order_id, kind))
            if stop is not None and stop.route_id == plan.route.id:
                plan.route.stops.remove(stop)
                session.delete(stop)
    write_schedule(session, plan, sequence)
    data = {"route_id": plan.route.id, "distance_m": plan.route.distance_m}
    for order_id, order in plan.orders.items():
        if order_id in dropped and order.status is OrderStatus.ASSIGNED:
            order.unassigned_reason = dropped[order_id]
            order.unassigned_detail = "left out when the route was re-optimised"
            transition(
                session,
                order,
                OrderStatus.PENDING,
                actor=actor,
                reason="reoptimized",
                note=note,
                data=data,
            )
        else:
            record_event(session, order, kind="reoptimized", actor=actor, note=note, data=data)


def _as_solution(plan: RoutePlan, sequence: Sequence[int]) -> Solution:
    """The route's current order, to warm-start the solver (only the order matters)."""
    stops = []
    for node in sequence:
        order_id, kind = plan.key_of(node)
        where = plan.compiled.visits[node].location
        stops.append(RouteStop(str(order_id), RoutingStopKind(kind.value), where, 0, 0, 0, 0, 0))
    return Solution((VehicleRoute(plan.problem.vehicles[0].id, tuple(stops), 0, 0, 0),))


def actor_of(kind: str, actor_id: int | None) -> Actor:
    """The actor a job carries as plain values."""
    return Actor(ActorKind(kind), actor_id)
