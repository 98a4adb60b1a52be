"""Scaling by zones: split a large problem geographically, solve zones apart, merge, repair.

The planning worker runs the zones as Celery tasks::

    zones = split(problem)                                  # list[Zone], JSON-friendly
    parts = [solve(z.problem, time_limit_s=...) for z in zones]   # one task each
    plan = merge(problem, parts)                            # one Solution
    plan = repair(problem, plan, time_limit_s=...)          # fix the borders

`solve_zoned` does the same locally, with a process pool when `workers > 1`.

Jobs are clustered by k-means on the middle of their stops (a pickup and its delivery
stay together); each zone gets a share of the fleet proportional to its work (weight,
parcels or stop count, whichever is the larger share), taking the vehicles that start
nearest to it. The repair re-solves the whole problem starting from the merged plan, so
jobs a zone could not fit and routes that would be shorter across a border are fixed by
the same search as everything else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from routing.matrix import MatrixBackend
from routing.problem import Delivery, Job, Problem
from routing.search import SearchOptions
from routing.solution import Solution, VehicleRoute
from routing.whole import solve_whole

__all__ = ["ZONE_THRESHOLD", "Zone", "merge", "repair", "solve_zoned", "split"]

ZONE_THRESHOLD = 400
"""Jobs per zone: above this, a problem is worth splitting (measured in docs/routing.md)."""


@dataclass(frozen=True)
class Zone:
    index: int
    problem: Problem

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "problem": self.problem.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Zone:
        return cls(int(data["index"]), Problem.from_dict(data["problem"]))


def _job_point(job: Job) -> tuple[float, float]:
    if isinstance(job, Delivery):
        return job.location.lat, job.location.lon
    return ((job.pickup.lat + job.delivery.lat) / 2, (job.pickup.lon + job.delivery.lon) / 2)


def _kmeans(points: npt.NDArray[np.float64], k: int, seed: int) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    centres = points[rng.choice(len(points), size=k, replace=False)]
    labels = np.zeros(len(points), dtype=np.int64)
    for step in range(30):
        dist = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if step and np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            members = points[labels == c]
            if len(members):
                centres[c] = members.mean(axis=0)
    return labels


def _quotas(work: npt.NDArray[np.float64], vehicles: int) -> list[int]:
    """Vehicles per zone, proportional to work, at least one each (largest remainder)."""
    k = len(work)
    share = work / work.sum() * vehicles if work.sum() > 0 else np.full(k, vehicles / k)
    quota = np.maximum(1, np.floor(share)).astype(int)
    while quota.sum() > vehicles:
        quota[np.argmax(quota)] -= 1
    for c in np.argsort(-(share - np.floor(share))):
        if quota.sum() >= vehicles:
            break
        quota[c] += 1
    return [int(q) for q in quota]


def _work(problem: Problem, labels: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.float64]:
    kg = sum(v.capacity_kg for v in problem.vehicles) or 1.0
    parcels = sum(v.capacity_parcels for v in problem.vehicles) or 1
    shares = np.zeros((k, 3))
    for job, zone in zip(problem.jobs, labels, strict=True):
        stops = 1 if isinstance(job, Delivery) else 2
        shares[zone] += (job.weight_kg / kg, job.parcels / parcels, stops / 2 / len(problem.jobs))
    result: npt.NDArray[np.float64] = shares.max(axis=1)
    return result


def _assign_vehicles(
    problem: Problem, centres: npt.NDArray[np.float64], quotas: list[int]
) -> list[int]:
    """Zone of each vehicle: nearest zone with room, closest pairs first."""
    starts = np.array([[v.start.lat, v.start.lon] for v in problem.vehicles])
    dist = ((starts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    zone_of = [-1] * len(problem.vehicles)
    left = list(quotas)
    for flat in np.argsort(dist, axis=None):
        v, z = divmod(int(flat), len(quotas))
        if zone_of[v] < 0 and left[z] > 0:
            zone_of[v], left[z] = z, left[z] - 1
    return zone_of


def split(problem: Problem, *, jobs_per_zone: int = ZONE_THRESHOLD, seed: int = 0) -> list[Zone]:
    """Zones of at most about `jobs_per_zone` jobs, each with its own vehicles.

    Locked jobs follow their vehicle. A problem small enough (or with one vehicle) comes
    back as a single zone.
    """
    k = min(len(problem.vehicles), math.ceil(len(problem.jobs) / max(1, jobs_per_zone)))
    if k <= 1:
        return [Zone(0, problem)]
    points = np.array([_job_point(j) for j in problem.jobs], dtype=np.float64)
    labels = _kmeans(points, k, seed)
    centres = np.array([points[labels == c].mean(axis=0) for c in range(k)])
    quotas = _quotas(_work(problem, labels, k), len(problem.vehicles))
    zone_of_vehicle = _assign_vehicles(problem, centres, quotas)
    vehicle_zone = {v.id: z for v, z in zip(problem.vehicles, zone_of_vehicle, strict=True)}
    for stop in problem.locked:
        labels[[j.id for j in problem.jobs].index(stop.job_id)] = vehicle_zone[stop.vehicle_id]
    return [_zone(problem, z, labels, zone_of_vehicle) for z in range(k)]


def _zone(problem: Problem, z: int, labels: npt.NDArray[np.int64], vehicle_zone: list[int]) -> Zone:
    jobs = tuple(j for j, label in zip(problem.jobs, labels, strict=True) if label == z)
    vehicles = tuple(v for v, vz in zip(problem.vehicles, vehicle_zone, strict=True) if vz == z)
    ids = {v.id for v in vehicles}
    locked = tuple(s for s in problem.locked if s.vehicle_id in ids)
    # The parent's day, so travel times in a zone equal those of the whole problem and
    # merged routes stay feasible.
    sub = Problem(vehicles, jobs, locked, problem.epoch_time_of_day_s, problem.planning_day)
    return Zone(z, sub)


def merge(problem: Problem, parts: Sequence[Solution]) -> Solution:
    """One solution from the zones' solutions, routes in the problem's vehicle order."""
    routes: dict[str, VehicleRoute] = {r.vehicle_id: r for part in parts for r in part.routes}
    ordered = tuple(
        routes.get(v.id, VehicleRoute(v.id, (), v.shift.start, v.shift.start, 0))
        for v in problem.vehicles
    )
    unassigned = tuple(u for part in parts for u in part.unassigned)
    relaxed = tuple(r for part in parts for r in part.relaxed)
    return Solution(ordered, unassigned, sum(r.distance_m for r in ordered), relaxed=relaxed)


def repair(
    problem: Problem,
    merged: Solution,
    *,
    time_limit_s: float = 5.0,
    options: SearchOptions | None = None,
    backend: MatrixBackend | None = None,
) -> Solution:
    """Re-solve the whole problem from the merged plan, across zone borders.

    The merged plan comes back unchanged if the repair does not serve more jobs or the
    same jobs for less distance (it can run out of time on a large batch)."""
    repaired = solve_whole(
        problem, time_limit_s=time_limit_s, initial=merged, options=options, backend=backend
    )
    before = (len(merged.unassigned), merged.distance_m)
    return repaired if (len(repaired.unassigned), repaired.distance_m) < before else merged


def _solve_zone(
    args: tuple[dict[str, Any], float, SearchOptions | None, MatrixBackend | None],
) -> dict[str, Any]:
    # Plain dicts in and out: the same shape a Celery task would receive and return.
    zone, limit, options, backend = args
    solution = solve_whole(
        Problem.from_dict(zone), time_limit_s=limit, options=options, backend=backend
    )
    return solution.to_dict()


def solve_zoned(
    problem: Problem,
    *,
    time_limit_s: float = 30.0,
    workers: int = 1,
    jobs_per_zone: int = ZONE_THRESHOLD,
    repair_share: float = 0.3,
    options: SearchOptions | None = None,
    backend: MatrixBackend | None = None,
) -> Solution:
    """Split, solve the zones (in `workers` processes), merge and repair.

    `repair_share` of the time goes to the border repair; the zones share the rest.
    With `workers > 1`, `backend` must be picklable.
    """
    zones = split(problem, jobs_per_zone=jobs_per_zone)
    if len(zones) == 1:
        return solve_whole(problem, time_limit_s=time_limit_s, options=options, backend=backend)
    rounds = math.ceil(len(zones) / max(1, workers))
    zone_limit = time_limit_s * (1 - repair_share) / rounds
    tasks = [(z.problem.to_dict(), zone_limit, options, backend) for z in zones]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            answers = list(pool.map(_solve_zone, tasks))
    else:
        answers = [_solve_zone(t) for t in tasks]
    merged = merge(problem, [Solution.from_dict(a) for a in answers])
    if time_limit_s * repair_share <= 0:
        return merged
    return repair(
        problem,
        merged,
        time_limit_s=time_limit_s * repair_share,
        options=options,
        backend=backend,
    )
