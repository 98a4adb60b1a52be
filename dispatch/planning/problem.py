"""The one adapter between our models and the routing engine's types.

Everything that knows both ``dispatch`` models and ``routing`` types lives here, so a
change in the engine's API is a change in this module only. A ``PlanInput`` is what a run
reads from the database before solving (plain data, JSON-friendly so a Celery message can
carry it): the routing ``Problem`` and what the write must re-check afterwards.

Times: the engine works in integer seconds from a planning epoch (the moment the run read
the world); ETAs are the epoch plus those seconds, stored as aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dispatch.enums import OrderStatus, StopKind
from dispatch.orders.models import Order
from dispatch.planning.fleet import ShipperWork, shift_bounds
from dispatch.planning.models import Stop
from routing import (
    Delivery,
    Job,
    Location,
    LockedStop,
    PickupDelivery,
    Problem,
    Solution,
    TimeWindow,
    Vehicle,
    solve,
    solve_zoned,
    validate,
)
from routing import StopKind as RoutingStopKind
from routing.zones import merge, split

__all__ = [
    "DELIVERY_SERVICE_S",
    "PICKUP_SERVICE_S",
    "WINDOW_PASSED",
    "InvalidPlan",
    "PlanInput",
    "build_plan_input",
    "check_solution",
    "job_id",
    "merge_zones",
    "order_id_of",
    "shipper_id_of",
    "solve_plan",
    "solve_zone",
    "split_zones",
    "vehicle_id",
]

PICKUP_SERVICE_S = 180
"""Collecting a parcel at a sales point, masks on, counter to bag."""
DELIVERY_SERVICE_S = 300
"""A contactless hand-off: call, leave at the door or gate, step back, confirm the code."""
WINDOW_PASSED = "window_passed"
"""Our own unassigned reason: the delivery window closed before the run started."""


def vehicle_id(shipper_id: int) -> str:
    return f"shipper-{shipper_id}"


def shipper_id_of(vehicle: str) -> int:
    return int(vehicle.removeprefix("shipper-"))


def job_id(order_id: int) -> str:
    return f"order-{order_id}"


def order_id_of(job: str) -> int:
    return int(job.removeprefix("order-"))


@dataclass(frozen=True)
class PlanInput:
    run_id: int
    epoch: datetime
    problem: Problem
    versions: dict[int, int]
    """Claimed order id -> its version when read; the write skips any that changed."""
    rejected: dict[int, str] = field(default_factory=dict)
    """Claimed orders refused before solving, with the reason."""

    def eta(self, seconds: int) -> datetime:
        return self.epoch + timedelta(seconds=seconds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "epoch": self.epoch.isoformat(),
            "problem": self.problem.to_dict(),
            "versions": [[k, v] for k, v in self.versions.items()],
            "rejected": [[k, v] for k, v in self.rejected.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanInput:
        return cls(
            run_id=int(data["run_id"]),
            epoch=datetime.fromisoformat(data["epoch"]),
            problem=Problem.from_dict(data["problem"]),
            versions={int(k): int(v) for k, v in data["versions"]},
            rejected={int(k): str(v) for k, v in data["rejected"]},
        )


def build_plan_input(
    *, run_id: int, now: datetime, orders: Sequence[Order], fleet: Sequence[ShipperWork]
) -> PlanInput:
    """The routing problem for the claimed ``orders`` and the cleared ``fleet`` at ``now``.

    What shippers already have stays theirs, in its current order (locked stops): a
    picked-up parcel is a delivery from the shipper's position, an assigned order not yet
    picked up keeps its pickup and delivery. New orders come after them.
    """
    jobs: list[Job] = []
    rejected: dict[int, str] = {}
    for order in orders:
        if order.window_end is not None and order.window_end <= now:
            rejected[order.id] = WINDOW_PASSED
        else:
            jobs.append(_new_job(order, now))
    locked: list[LockedStop] = []
    for work in fleet:
        carried, stops = _carried(work, now)
        jobs += carried
        locked += stops
    first_pickup = _first_pickup(jobs)
    vehicles = tuple(_vehicle(work, now, first_pickup) for work in fleet)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    problem = Problem(
        vehicles=vehicles,
        jobs=tuple(jobs),
        locked=tuple(locked),
        epoch_time_of_day_s=int((now - midnight).total_seconds()),
    )
    versions = {o.id: o.version for o in orders if o.id not in rejected}
    return PlanInput(run_id, now, problem, versions, rejected)


def _seconds(moment: datetime, epoch: datetime) -> int:
    return int((moment - epoch).total_seconds())


def _window(order: Order, now: datetime) -> TimeWindow | None:
    """The delivery window in seconds from ``now``. A window already closed (a kept stop
    running late) becomes an empty window at its start; routing relaxes its end to the
    earliest time the shipper can be there and reports it (``Solution.relaxed``)."""
    if order.window_start is None and order.window_end is None:
        return None
    start = 0 if order.window_start is None else max(0, _seconds(order.window_start, now))
    end = 10 * 24 * 3600 if order.window_end is None else _seconds(order.window_end, now)
    return TimeWindow(start, max(start, end))


def _new_job(order: Order, now: datetime) -> PickupDelivery:
    window = _window(order, now)
    return PickupDelivery(
        id=job_id(order.id),
        pickup=Location(order.sales_point.lat, order.sales_point.lon),
        delivery=Location(order.lat, order.lon),
        weight_kg=order.weight_kg,
        parcels=order.parcels,
        delivery_window=window,
        pickup_service_s=PICKUP_SERVICE_S,
        delivery_service_s=DELIVERY_SERVICE_S,
    )


def _carried(work: ShipperWork, now: datetime) -> tuple[list[Job], list[LockedStop]]:
    """A shipper's remaining stops as jobs locked to them, in their order, with their
    windows: nobody is served before their window opens, and a window the shipper can no
    longer keep is relaxed by routing (locked stops are commitments, see
    ``routing.commitments``) instead of making the whole problem infeasible."""
    by_order: dict[int, list[Stop]] = {}
    for stop in work.remaining:
        if stop.order.status in (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP):
            by_order.setdefault(stop.order_id, []).append(stop)
    jobs: list[Job] = []
    for stops in by_order.values():
        order = stops[0].order
        kinds = {s.kind for s in stops}
        if StopKind.PICKUP in kinds:
            jobs.append(
                PickupDelivery(
                    id=job_id(order.id),
                    pickup=Location(order.sales_point.lat, order.sales_point.lon),
                    delivery=Location(order.lat, order.lon),
                    weight_kg=order.weight_kg,
                    parcels=order.parcels,
                    delivery_window=_window(order, now),
                    pickup_service_s=PICKUP_SERVICE_S,
                    delivery_service_s=DELIVERY_SERVICE_S,
                )
            )
        else:
            jobs.append(
                Delivery(
                    id=job_id(order.id),
                    location=Location(order.lat, order.lon),
                    weight_kg=order.weight_kg,
                    parcels=order.parcels,
                    window=_window(order, now),
                    service_s=DELIVERY_SERVICE_S,
                )
            )
    vehicle = vehicle_id(work.shipper.id)
    locked = [
        LockedStop(job_id(s.order_id), vehicle, RoutingStopKind(s.kind.value))
        for s in work.remaining
        if s.order_id in by_order
    ]
    return jobs, locked


def _first_pickup(jobs: Sequence[Job]) -> Location | None:
    return next((j.pickup for j in jobs if isinstance(j, PickupDelivery)), None)


def _vehicle(work: ShipperWork, now: datetime, fallback: Location | None) -> Vehicle:
    """Start where the shipper was last seen, else at home, else at the first pickup."""
    shipper = work.shipper
    if shipper.last_lat is not None and shipper.last_lon is not None:
        start = Location(shipper.last_lat, shipper.last_lon)
    elif shipper.home_lat is not None and shipper.home_lon is not None:
        start = Location(shipper.home_lat, shipper.home_lon)
    else:
        start = fallback or _centre_of(work)
    shift_start, shift_end = shift_bounds(shipper, now.date(), now.tzinfo)
    return Vehicle(
        id=vehicle_id(shipper.id),
        start=start,
        shift=TimeWindow(max(0, _seconds(shift_start, now)), _seconds(shift_end, now)),
        capacity_kg=shipper.capacity_kg,
        capacity_parcels=shipper.capacity_parcels,
    )


def _centre_of(work: ShipperWork) -> Location:
    if work.remaining:
        return Location(work.remaining[0].lat, work.remaining[0].lon)
    # Nothing at all to go by: Hoàn Kiếm, the centre of the city and of its distances.
    return Location(21.0285, 105.8542)


class InvalidPlan(RuntimeError):
    """The engine answered a plan its own validator rejects: never shown to a shipper."""


def check_solution(problem: Problem, solution: Solution) -> None:
    """Raise ``InvalidPlan`` unless routing's validator accepts ``solution``."""
    violations = validate(problem, solution)
    if violations:
        shown = "; ".join(violations[:5])
        raise InvalidPlan(f"{len(violations)} rule(s) broken by the plan: {shown}")


def solve_plan(plan: PlanInput, *, time_limit_s: float, jobs_per_zone: int) -> Solution:
    """Solve in this process (whole, or zone by zone when the batch is large), validated."""
    if len(plan.problem.jobs) > jobs_per_zone:
        solution = solve_zoned(plan.problem, time_limit_s=time_limit_s, jobs_per_zone=jobs_per_zone)
    else:
        solution = solve(plan.problem, time_limit_s=time_limit_s)
    check_solution(plan.problem, solution)
    return solution


def split_zones(plan: PlanInput, *, jobs_per_zone: int) -> list[dict[str, Any]]:
    """The problem split for parallel solving, as JSON-friendly problem dicts."""
    return [zone.problem.to_dict() for zone in split(plan.problem, jobs_per_zone=jobs_per_zone)]


def solve_zone(problem: dict[str, Any], *, time_limit_s: float) -> dict[str, Any]:
    """Solve and validate one zone's problem dict; the solution as a dict (a task's answer).

    Zones share no vehicle, so valid zones make a valid merged plan.
    """
    zone = Problem.from_dict(problem)
    solution = solve(zone, time_limit_s=time_limit_s)
    check_solution(zone, solution)
    return solution.to_dict()


def merge_zones(plan: PlanInput, parts: Sequence[dict[str, Any]]) -> Solution:
    """One solution from the zones' (validated) solution dicts."""
    return merge(plan.problem, [Solution.from_dict(p) for p in parts])
