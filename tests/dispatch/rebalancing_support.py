"""What the rebalancing tests check a stored route against: routing's own validator.

A route's planned stops are read back from the database as a routing ``Solution`` (the
ETAs and loads it promises) and checked with ``routing.verify.validate`` against the
route's problem at the same moment. The vehicle is taken to leave at the earliest its
shift allows, so an ETA the road cannot keep is reported.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.clock import local_today
from dispatch.enums import OrderStatus, StopKind, StopStatus
from dispatch.planning.models import Route, Stop
from dispatch.rebalancing.plan import RoutePlan, build_plan
from routing.problem import StopKind as RoutingStopKind
from routing.solution import RouteStop, Solution, VehicleRoute
from routing.verify import validate
from tests.factories import local_datetime

MORNING = local_datetime(local_today(), 9, 0)
"""The fixed "now" of these tests: 09:00 today, inside every default shift."""


def route_violations(session: Session, route: Route, *, now: datetime = MORNING) -> list[str]:
    """Everything routing's validator finds wrong with the route as stored."""
    plan = build_plan(session, route, now=now)
    planned = sorted(
        (s for s in route.stops if s.status is StopStatus.PLANNED), key=lambda s: s.sequence
    )
    on_board = [o for o in plan.orders.values() if o.status is OrderStatus.PICKED_UP]
    kg = sum(o.weight_kg for o in on_board)
    parcels = sum(o.parcels for o in on_board)
    start_load = (kg, parcels)
    stops = []
    for stop in planned:
        assert stop.planned_arrival is not None
        assert stop.planned_departure is not None
        sign = 1 if stop.kind is StopKind.PICKUP else -1
        kg += sign * stop.order.weight_kg
        parcels += sign * stop.order.parcels
        arrival = _seconds(stop.planned_arrival, plan.epoch)
        departure = _seconds(stop.planned_departure, plan.epoch)
        service = plan.net.service[plan.node_of[(stop.order_id, stop.kind)]]
        stops.append(
            RouteStop(
                job_id=str(stop.order_id),
                kind=RoutingStopKind(stop.kind.value),
                location=plan.compiled.visits[plan.node_of[(stop.order_id, stop.kind)]].location,
                arrival_s=arrival,
                wait_s=departure - service - arrival,
                departure_s=departure,
                load_kg=kg,
                load_parcels=parcels,
            )
        )
    vehicle = plan.problem.vehicles[0]
    end = stops[-1].departure_s + _back(plan, planned) if stops else vehicle.shift.start
    solution = Solution(
        (
            VehicleRoute(
                vehicle.id, tuple(stops), vehicle.shift.start, end, route.distance_m, *start_load
            ),
        )
    )
    return validate(plan.problem, solution)


def _back(plan: RoutePlan, planned: list[Stop]) -> int:
    """Seconds from the last stop back to the vehicle's end."""
    last = plan.node_of[(planned[-1].order_id, planned[-1].kind)]
    return int(plan.net.travel_of(0)[last, plan.net.ends[0]])


def _seconds(moment: datetime, epoch: datetime) -> int:
    return round((moment - epoch).total_seconds())


def routes_holding(session: Session, order_id: int) -> set[int]:
    """The routes any stop of the order is on."""
    return set(session.scalars(select(Stop.route_id).where(Stop.order_id == order_id)))


def stop_count(session: Session, order_id: int) -> int:
    return session.scalar(select(func.count()).where(Stop.order_id == order_id)) or 0
