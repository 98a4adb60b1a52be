"""Plain-dict (JSON) forms of problems and solutions, for Celery and for storage."""

from __future__ import annotations

from typing import Any

from routing.errors import InvalidProblemError
from routing.problem import (
    Delivery,
    Job,
    Location,
    LockedStop,
    PickupDelivery,
    Problem,
    StopKind,
    TimeWindow,
    Vehicle,
)
from routing.solution import (
    Relaxation,
    RouteStop,
    Solution,
    Unassigned,
    UnassignedReason,
    VehicleRoute,
)
from routing.speed import SpeedProfile

__all__ = ["problem_from_dict", "problem_to_dict", "solution_from_dict", "solution_to_dict"]


def _window(w: TimeWindow | None) -> list[int] | None:
    return None if w is None else w.to_dict()


def _vehicle_to_dict(v: Vehicle) -> dict[str, Any]:
    return {
        "id": v.id,
        "start": v.start.to_dict(),
        "end": None if v.end is None else v.end.to_dict(),
        "shift": v.shift.to_dict(),
        "capacity_kg": v.capacity_kg,
        "capacity_parcels": v.capacity_parcels,
        "max_stops": v.max_stops,
        "speed": v.speed.to_dict(),
        "fixed_cost": v.fixed_cost,
    }


def _vehicle_from_dict(d: dict[str, Any]) -> Vehicle:
    shift = TimeWindow.from_dict(d["shift"])
    assert shift is not None
    return Vehicle(
        id=str(d["id"]),
        start=Location.from_dict(d["start"]),
        end=None if d.get("end") is None else Location.from_dict(d["end"]),
        shift=shift,
        capacity_kg=float(d["capacity_kg"]),
        capacity_parcels=int(d["capacity_parcels"]),
        max_stops=d.get("max_stops"),
        speed=SpeedProfile.from_dict(d["speed"]),
        fixed_cost=int(d.get("fixed_cost", 0)),
    )


def _job_to_dict(j: Job) -> dict[str, Any]:
    common = {"id": j.id, "weight_kg": j.weight_kg, "parcels": j.parcels, "priority": j.priority}
    if isinstance(j, Delivery):
        return common | {
            "type": "delivery",
            "location": j.location.to_dict(),
            "window": _window(j.window),
            "service_s": j.service_s,
        }
    return common | {
        "type": "pickup_delivery",
        "pickup": j.pickup.to_dict(),
        "delivery": j.delivery.to_dict(),
        "pickup_window": _window(j.pickup_window),
        "delivery_window": _window(j.delivery_window),
        "pickup_service_s": j.pickup_service_s,
        "delivery_service_s": j.delivery_service_s,
    }


def _job_from_dict(d: dict[str, Any]) -> Job:
    job_id = str(d.get("id"))
    common: dict[str, Any] = {
        "id": job_id,
        "weight_kg": float(d.get("weight_kg", 0.0)),
        "parcels": int(d.get("parcels", 1)),
        "priority": int(d.get("priority", 0)),
    }
    kind = d.get("type", "delivery")
    if kind == "delivery":
        return Delivery(
            location=Location.from_dict(d["location"]),
            window=TimeWindow.from_dict(d.get("window")),
            service_s=int(d.get("service_s", 0)),
            **common,
        )
    if kind != "pickup_delivery":
        raise InvalidProblemError(f"job {job_id!r}: unknown job type {kind!r}")
    if d.get("delivery") is None:
        raise InvalidProblemError(f"job {job_id!r}: a pickup needs its delivery")
    return PickupDelivery(
        pickup=Location.from_dict(d["pickup"]),
        delivery=Location.from_dict(d["delivery"]),
        pickup_window=TimeWindow.from_dict(d.get("pickup_window")),
        delivery_window=TimeWindow.from_dict(d.get("delivery_window")),
        pickup_service_s=int(d.get("pickup_service_s", 0)),
        delivery_service_s=int(d.get("delivery_service_s", 0)),
        **common,
    )


def problem_to_dict(p: Problem) -> dict[str, Any]:
    return {
        "vehicles": [_vehicle_to_dict(v) for v in p.vehicles],
        "jobs": [_job_to_dict(j) for j in p.jobs],
        "locked": [[s.job_id, s.vehicle_id, s.kind.value] for s in p.locked],
        "epoch_time_of_day_s": p.epoch_time_of_day_s,
        "day": _window(p.day),
    }


def problem_from_dict(d: dict[str, Any]) -> Problem:
    return Problem(
        vehicles=tuple(_vehicle_from_dict(v) for v in d.get("vehicles", [])),
        jobs=tuple(_job_from_dict(j) for j in d.get("jobs", [])),
        locked=tuple(LockedStop(str(a), str(b), StopKind(c)) for a, b, c in d.get("locked", [])),
        epoch_time_of_day_s=int(d.get("epoch_time_of_day_s", 0)),
        day=TimeWindow.from_dict(d.get("day")),
    )


def _stop_to_dict(s: RouteStop) -> dict[str, Any]:
    return {
        "job_id": s.job_id,
        "kind": s.kind.value,
        "location": s.location.to_dict(),
        "arrival_s": s.arrival_s,
        "wait_s": s.wait_s,
        "departure_s": s.departure_s,
        "load_kg": s.load_kg,
        "load_parcels": s.load_parcels,
    }


def _stop_from_dict(d: dict[str, Any]) -> RouteStop:
    return RouteStop(
        job_id=str(d["job_id"]),
        kind=StopKind(d["kind"]),
        location=Location.from_dict(d["location"]),
        arrival_s=int(d["arrival_s"]),
        wait_s=int(d["wait_s"]),
        departure_s=int(d["departure_s"]),
        load_kg=float(d["load_kg"]),
        load_parcels=int(d["load_parcels"]),
    )


def solution_to_dict(s: Solution) -> dict[str, Any]:
    routes = [
        {
            "vehicle_id": r.vehicle_id,
            "stops": [_stop_to_dict(x) for x in r.stops],
            "start_s": r.start_s,
            "end_s": r.end_s,
            "distance_m": r.distance_m,
            "start_load_kg": r.start_load_kg,
            "start_load_parcels": r.start_load_parcels,
        }
        for r in s.routes
    ]
    unassigned = [[u.job_id, u.reason.value] for u in s.unassigned]
    return {
        "routes": routes,
        "unassigned": unassigned,
        "distance_m": s.distance_m,
        "stats": dict(s.stats),
        "relaxed": [_relaxation_to_dict(r) for r in s.relaxed],
    }


def _relaxation_to_dict(r: Relaxation) -> dict[str, Any]:
    return {
        "vehicle_id": r.vehicle_id,
        "rule": r.rule,
        "limit": r.limit,
        "needed": r.needed,
        "job_id": r.job_id,
        "kind": None if r.kind is None else r.kind.value,
    }


def _relaxation_from_dict(d: dict[str, Any]) -> Relaxation:
    kind = d.get("kind")
    return Relaxation(
        vehicle_id=str(d["vehicle_id"]),
        rule=str(d["rule"]),
        limit=float(d["limit"]),
        needed=float(d["needed"]),
        job_id=None if d.get("job_id") is None else str(d["job_id"]),
        kind=None if kind is None else StopKind(kind),
    )


def solution_from_dict(d: dict[str, Any]) -> Solution:
    routes = tuple(
        VehicleRoute(
            vehicle_id=str(r["vehicle_id"]),
            stops=tuple(_stop_from_dict(x) for x in r["stops"]),
            start_s=int(r["start_s"]),
            end_s=int(r["end_s"]),
            distance_m=int(r["distance_m"]),
            start_load_kg=float(r.get("start_load_kg", 0.0)),
            start_load_parcels=int(r.get("start_load_parcels", 0)),
        )
        for r in d.get("routes", [])
    )
    unassigned = tuple(Unassigned(str(a), UnassignedReason(b)) for a, b in d.get("unassigned", []))
    relaxed = tuple(_relaxation_from_dict(r) for r in d.get("relaxed", []))
    return Solution(
        routes, unassigned, int(d.get("distance_m", 0)), dict(d.get("stats", {})), relaxed
    )
