"""One shipper's route in the routing library's terms.

A route's remaining (planned) stops become a one-vehicle routing ``Problem``: an order not
yet picked up is a pickup-and-delivery job, a picked-up parcel is a delivery from the
shipper's current position. The vehicle starts where the shipper is, no earlier than
``now``, so a re-sequenced route never promises an ETA in the past. ``write_schedule``
turns a node sequence back into stop sequences and ETAs, using routing's own schedule so
that what the shipper sees is exactly what the validator checks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import local_tz
from dispatch.enums import StopKind, StopStatus
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from dispatch.planning.problem import DELIVERY_SERVICE_S, PICKUP_SERVICE_S
from dispatch.shippers.models import Shipper
from routing.compile import OPEN_END, Compiled, compile_problem
from routing.core import Network
from routing.problem import Delivery, Job, Location, PickupDelivery, Problem, TimeWindow, Vehicle
from routing.schedule import Schedule, schedule_route

__all__ = [
    "RoutePlan",
    "StopKey",
    "build_plan",
    "day_epoch",
    "remove_orders",
    "shipper_position",
    "write_schedule",
]


StopKey = tuple[int, StopKind]
"""(order id, pickup or delivery): what a node of the network stands for."""


@dataclass
class RoutePlan:
    """A route's remaining work as a one-vehicle network; nodes are stable for its life."""

    route: Route
    epoch: datetime
    problem: Problem
    compiled: Compiled
    orders: dict[int, Order]
    node_of: dict[StopKey, int]
    sequence: tuple[int, ...]
    """The nodes of the route's planned stops, in their current order."""
    stops: dict[StopKey, Stop]
    """The stop rows already stored for the plan's orders (on this route or another)."""

    @property
    def net(self) -> Network:
        return self.compiled.network

    def key_of(self, node: int) -> StopKey:
        visit = self.compiled.visits[node]
        return int(self.problem.jobs[visit.job].id), StopKind(visit.kind.value)

    def at(self, seconds: float) -> datetime:
        """The moment ``seconds`` after the plan's epoch."""
        return self.epoch + timedelta(seconds=seconds)

    def schedule(self, sequence: Sequence[int]) -> Schedule:
        return schedule_route(self.net, 0, tuple(sequence))


def day_epoch(now: datetime) -> datetime:
    """Local midnight of the day of ``now``: second 0 of the routing problem."""
    local = now.astimezone(local_tz())
    return datetime.combine(local.date(), time(0), tzinfo=local_tz())


def build_plan(
    session: Session, route: Route, *, now: datetime, extra: Sequence[Order] = ()
) -> RoutePlan:
    """The route's planned stops, plus ``extra`` orders to place, as a routing problem."""
    epoch = day_epoch(now)
    remaining = sorted(
        (s for s in route.stops if s.status is StopStatus.PLANNED), key=lambda s: s.sequence
    )
    stops: dict[StopKey, Stop] = {(s.order_id, s.kind): s for s in remaining}
    orders = {s.order_id: s.order for s in remaining}
    jobs = [_job(orders[oid], epoch, stops) for oid in dict.fromkeys(s.order_id for s in remaining)]
    for order in extra:
        orders[order.id] = order
        sales_point = (order.sales_point.lat, order.sales_point.lon)
        jobs.append(_pickup_delivery(order, sales_point, epoch))
    stops.update(_existing_stops(session, [o.id for o in extra]))
    vehicle = _vehicle(route.shipper, epoch=epoch, now=now, fallback=_first_location(jobs))
    problem = Problem(vehicles=(vehicle,), jobs=tuple(jobs))
    compiled = compile_problem(problem)
    plan = RoutePlan(route, epoch, problem, compiled, orders, {}, (), stops)
    plan.node_of = {plan.key_of(node): node for node in compiled.visits}
    plan.sequence = tuple(plan.node_of[(s.order_id, s.kind)] for s in remaining)
    return plan


def write_schedule(
    session: Session,
    plan: RoutePlan,
    sequence: Sequence[int],
    *,
    placed: dict[int, bool] | None = None,
) -> None:
    """Give the route these planned stops in this order, with ETAs from routing's schedule.

    Stops of other routes named by the sequence are moved here. ``placed`` maps the orders
    this change put on the route to whether they were forced there (their stops are
    marked); the other stops keep their mark.
    """
    placed = placed or {}
    schedule = plan.schedule(sequence)
    done = [s.sequence for s in plan.route.stops if s.status is not StopStatus.PLANNED]
    first = max(done, default=-1) + 1
    for index, times in enumerate(schedule.stops):
        order_id, kind = plan.key_of(times.node)
        stop = plan.stops.get((order_id, kind)) or _new_stop(session, plan, order_id, kind)
        stop.route = plan.route
        stop.sequence = first + index
        stop.planned_arrival = plan.at(times.arrival)
        stop.planned_departure = plan.at(times.departure)
        stop.forced = placed.get(order_id, bool(stop.forced))
    plan.route.distance_m = int(schedule.distance)


def remove_orders(
    session: Session, route: Route, order_ids: Collection[int], *, now: datetime
) -> None:
    """Take these orders' planned stops off ``route``; the stops left keep their order and
    get new sequences and ETAs (from the shipper's position, no earlier than ``now``)."""
    plan = build_plan(session, route, now=now)
    for stop in [s for s in route.stops if s.order_id in order_ids]:
        if stop.status is StopStatus.PLANNED:
            route.stops.remove(stop)
            session.delete(stop)
    write_schedule(session, plan, [n for n in plan.sequence if plan.key_of(n)[0] not in order_ids])


def _new_stop(session: Session, plan: RoutePlan, order_id: int, kind: StopKind) -> Stop:
    order = plan.orders[order_id]
    where = order.sales_point if kind is StopKind.PICKUP else order
    lat, lon = where.lat, where.lon
    stop = Stop(order=order, kind=kind, lat=lat, lon=lon, status=StopStatus.PLANNED)
    session.add(stop)
    plan.stops[(order_id, kind)] = stop
    return stop


def _existing_stops(session: Session, order_ids: list[int]) -> dict[StopKey, Stop]:
    if not order_ids:
        return {}
    rows = session.scalars(select(Stop).where(Stop.order_id.in_(order_ids)))
    return {(s.order_id, s.kind): s for s in rows}


def _job(order: Order, epoch: datetime, stops: dict[StopKey, Stop]) -> Job:
    pickup = stops.get((order.id, StopKind.PICKUP))
    if pickup is None:  # picked up already: the parcel rides from the shipper's position
        return Delivery(
            id=str(order.id),
            location=Location(order.lat, order.lon),
            weight_kg=order.weight_kg,
            parcels=order.parcels,
            window=_window(order, epoch),
            service_s=DELIVERY_SERVICE_S,
        )
    return _pickup_delivery(order, (pickup.lat, pickup.lon), epoch)


def _pickup_delivery(order: Order, pickup: tuple[float, float], epoch: datetime) -> PickupDelivery:
    return PickupDelivery(
        id=str(order.id),
        pickup=Location(*pickup),
        delivery=Location(order.lat, order.lon),
        weight_kg=order.weight_kg,
        parcels=order.parcels,
        delivery_window=_window(order, epoch),
        pickup_service_s=PICKUP_SERVICE_S,
        delivery_service_s=DELIVERY_SERVICE_S,
    )


def _window(order: Order, epoch: datetime) -> TimeWindow | None:
    if order.window_start is None and order.window_end is None:
        return None
    start = _seconds(order.window_start, epoch) if order.window_start else 0
    end = _seconds(order.window_end, epoch) if order.window_end else OPEN_END
    return TimeWindow(start, max(start, end))


def _seconds(moment: datetime, epoch: datetime) -> int:
    return int((moment - epoch).total_seconds())


def _vehicle(shipper: Shipper, *, epoch: datetime, now: datetime, fallback: Location) -> Vehicle:
    shift_start = _time_of_day_s(shipper.shift_start)
    shift_end = _time_of_day_s(shipper.shift_end)
    begin = min(max(shift_start, _seconds(now, epoch)), shift_end)
    return Vehicle(
        id=str(shipper.id),
        start=shipper_position(shipper) or fallback,
        shift=TimeWindow(begin, shift_end),
        capacity_kg=shipper.capacity_kg,
        capacity_parcels=shipper.capacity_parcels,
    )


def shipper_position(shipper: Shipper) -> Location | None:
    """Where the shipper was last seen, else their home; None when neither is known."""
    if shipper.last_lat is not None and shipper.last_lon is not None:
        return Location(shipper.last_lat, shipper.last_lon)
    if shipper.home_lat is not None and shipper.home_lon is not None:
        return Location(shipper.home_lat, shipper.home_lon)
    return None


def _first_location(jobs: list[Job]) -> Location:
    for job in jobs:
        return job.pickup if isinstance(job, PickupDelivery) else job.location
    return Location(21.0285, 105.8542)  # an empty route: any point will do


def _time_of_day_s(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
