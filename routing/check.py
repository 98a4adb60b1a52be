"""Input checks: reject a problem that cannot describe the real world, naming the culprit."""

from __future__ import annotations

import math
from collections import Counter

from routing.errors import InvalidProblemError
from routing.problem import (
    Delivery,
    Job,
    Location,
    PickupDelivery,
    Problem,
    StopKind,
    TimeWindow,
    Vehicle,
)

__all__ = ["check_problem"]


def _location(where: str, loc: object) -> None:
    if not isinstance(loc, Location):
        raise InvalidProblemError(f"{where}: missing location")
    ok = all(isinstance(c, int | float) and math.isfinite(c) for c in (loc.lat, loc.lon))
    if not ok or not (-90 <= loc.lat <= 90 and -180 <= loc.lon <= 180):
        raise InvalidProblemError(f"{where}: invalid coordinates ({loc.lat}, {loc.lon})")


def _window(where: str, window: TimeWindow | None) -> None:
    if window is not None and window.end < window.start:
        raise InvalidProblemError(
            f"{where}: time window ends ({window.end}) before it starts ({window.start})"
        )


def _amounts(where: str, weight: float, parcels: int) -> None:
    if not math.isfinite(weight) or weight < 0:
        raise InvalidProblemError(f"{where}: weight must be a non-negative number, got {weight}")
    if parcels < 0:
        raise InvalidProblemError(f"{where}: parcel count must not be negative, got {parcels}")


def _vehicle(v: Vehicle) -> None:
    where = f"vehicle {v.id!r}"
    _location(where, v.start)
    if v.end is not None:
        _location(where, v.end)
    _window(f"{where} shift", v.shift)
    _amounts(where, v.capacity_kg, v.capacity_parcels)
    if v.max_stops is not None and v.max_stops < 0:
        raise InvalidProblemError(f"{where}: max_stops must not be negative")


def _job(job: Job) -> None:
    where = f"job {job.id!r}"
    _amounts(where, job.weight_kg, job.parcels)
    if job.priority < 0:
        raise InvalidProblemError(f"{where}: priority must not be negative")
    if isinstance(job, Delivery):
        _location(where, job.location)
        _window(where, job.window)
        services = [job.service_s]
    elif isinstance(job, PickupDelivery):
        _location(f"{where} pickup", job.pickup)
        if job.delivery is None:
            raise InvalidProblemError(f"{where}: a pickup needs its delivery")
        _location(f"{where} delivery", job.delivery)
        _window(f"{where} pickup", job.pickup_window)
        _window(f"{where} delivery", job.delivery_window)
        services = [job.pickup_service_s, job.delivery_service_s]
    else:
        raise InvalidProblemError(f"{where}: unknown job type {type(job).__name__}")
    if any(s < 0 for s in services):
        raise InvalidProblemError(f"{where}: service time must not be negative")


def _unique(kind: str, ids: list[str]) -> None:
    twice = [i for i, n in Counter(ids).items() if n > 1]
    if twice:
        raise InvalidProblemError(f"{kind} ids used more than once: {sorted(twice)}")


def check_problem(problem: Problem) -> None:
    """Raise `InvalidProblemError` (a `ValueError`) on the first malformed part."""
    _window("planning day", problem.day)
    for v in problem.vehicles:
        _vehicle(v)
    for job in problem.jobs:
        _job(job)
    _unique("vehicle", [v.id for v in problem.vehicles])
    _unique("job", [j.id for j in problem.jobs])
    jobs = {j.id: j for j in problem.jobs}
    vehicles = {v.id for v in problem.vehicles}
    for stop in problem.locked:
        if stop.job_id not in jobs:
            raise InvalidProblemError(f"locked stop names unknown job {stop.job_id!r}")
        job = jobs[stop.job_id]
        if stop.vehicle_id not in vehicles:
            raise InvalidProblemError(f"job {stop.job_id!r}: locked to unknown vehicle")
        if isinstance(job, Delivery) and stop.kind is StopKind.PICKUP:
            raise InvalidProblemError(f"job {stop.job_id!r}: a delivery has no pickup to lock")
    _unique("locked stop", [f"{s.job_id}/{s.kind}" for s in problem.locked])
