"""Turn a geographic `Problem` into a numeric `Network` (and back to job ids).

Node layout: vehicle starts, then vehicle ends, then visits (one per delivery, a pickup
and a delivery node per pickup-and-delivery job). Weights become grams so every quantity
is an integer; travel seconds are rounded up so the ETAs the plan promises are never
optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.commitments import relax_commitments
from routing.core import Network
from routing.matrix import HaversineBackend, MatrixBackend, TravelMatrices
from routing.problem import OPEN_END, Delivery, Job, Location, Problem, StopKind, TimeWindow
from routing.solution import Relaxation
from routing.speed import SpeedProfile

__all__ = ["OPEN_END", "Compiled", "Visit", "compile_problem", "grams"]


def grams(kg: float) -> int:
    return round(kg * 1000)


@dataclass(frozen=True)
class Visit:
    job: int
    """Index into `Problem.jobs`."""
    kind: StopKind
    location: Location


@dataclass(frozen=True, eq=False)
class Compiled:
    network: Network
    visits: dict[int, Visit]
    """Visit node -> what it is."""
    locations: tuple[Location, ...]
    relaxed: tuple[Relaxation, ...] = ()
    """Rules relaxed for locked stops that cannot keep them (see routing.commitments)."""


def _layout(problem: Problem) -> tuple[list[Location], dict[int, Visit]]:
    points = [v.start for v in problem.vehicles] + [v.end_location for v in problem.vehicles]
    visits: dict[int, Visit] = {}
    for j, job in enumerate(problem.jobs):
        if isinstance(job, Delivery):
            stops = [(StopKind.DELIVERY, job.location)]
        else:
            stops = [(StopKind.PICKUP, job.pickup), (StopKind.DELIVERY, job.delivery)]
        for kind, where in stops:
            visits[len(points)] = Visit(j, kind, where)
            points.append(where)
    return points, visits


def _window(job: Job, kind: StopKind) -> TimeWindow | None:
    if isinstance(job, Delivery):
        return job.window
    return job.pickup_window if kind is StopKind.PICKUP else job.delivery_window


def _service(job: Job, kind: StopKind) -> int:
    if isinstance(job, Delivery):
        return job.service_s
    return job.pickup_service_s if kind is StopKind.PICKUP else job.delivery_service_s


def _travel(
    problem: Problem, profile: SpeedProfile, mats: TravelMatrices, early: list[int], late: list[int]
) -> npt.NDArray[np.int64]:
    """Seconds per arc for one profile, slowed down by the rush hour at the destination.

    The slowdown is read at the middle of the destination's window (clipped to the
    working day): OR-Tools needs one time per arc, and that is when the arc is most likely
    driven.
    """
    if mats.duration_s is not None:
        base = mats.duration_s.astype(np.float64)
    else:
        base = mats.distance_m / profile.metres_per_second
    midpoints = (np.array(early, dtype=np.float64) + np.array(late, dtype=np.float64)) / 2
    factors = np.array([profile.factor_at(problem.epoch_time_of_day_s + t) for t in midpoints])
    result: npt.NDArray[np.int64] = np.ceil(base * factors[None, :] - 1e-9).astype(np.int64)
    return result


def compile_problem(problem: Problem, backend: MatrixBackend | None = None) -> Compiled:
    """The whole problem as a `Network`; drop jobs later with `routing.core.restrict`."""
    points, visits = _layout(problem)
    mats = (backend or HaversineBackend()).matrices(points)
    vehicles, nv = problem.vehicles, len(problem.vehicles)
    day_start, day_end = problem.planning_day.start, problem.planning_day.end
    early = [v.shift.start for v in vehicles] * 2
    late = [v.shift.end for v in vehicles] * 2
    service = [0] * (2 * nv)
    weight, parcels = [0] * (2 * nv), [0] * (2 * nv)
    for node in range(2 * nv, len(points)):
        visit = visits[node]
        job = problem.jobs[visit.job]
        window = _window(job, visit.kind) or TimeWindow(day_start, day_end)
        early.append(window.start)
        late.append(window.end)
        service.append(_service(job, visit.kind))
        # A pickup adds to the load, its delivery takes it off; a delivery from the start
        # depot is loaded at the start and taken off at the door.
        sign = -1 if visit.kind is StopKind.DELIVERY else 1
        weight.append(sign * grams(job.weight_kg))
        parcels.append(sign * job.parcels)
    profiles = list(dict.fromkeys(v.speed for v in vehicles))
    clipped_early = [max(e, day_start) for e in early]
    clipped_late = [min(x, day_end) for x in late]
    travel = tuple(_travel(problem, p, mats, clipped_early, clipped_late) for p in profiles)
    locked = _locked(problem, visits)
    network = Network(
        distance=mats.distance_m,
        travel=travel,
        service=tuple(service),
        early=tuple(early),
        late=tuple(late),
        load_deltas=(tuple(weight), tuple(parcels)),
        capacities=(
            tuple(grams(v.capacity_kg) for v in vehicles),
            tuple(v.capacity_parcels for v in vehicles),
        ),
        starts=tuple(range(nv)),
        ends=tuple(range(nv, 2 * nv)),
        shift_start=tuple(v.shift.start for v in vehicles),
        shift_end=tuple(v.shift.end for v in vehicles),
        vehicle_profile=tuple(profiles.index(v.speed) for v in vehicles),
        penalties=_penalties(problem, visits, mats.distance_m, len(points)),
        pairs=_pairs(visits),
        max_stops=tuple(v.max_stops for v in vehicles),
        fixed_cost=tuple(v.fixed_cost for v in vehicles),
        locked=locked,
        allowed={n: (v,) for v, route in enumerate(locked) for n in route},
    )
    names = {n: (problem.jobs[v.job].id, v.kind) for n, v in visits.items()}
    network, relaxed = relax_commitments(problem, network, names)
    return Compiled(network, visits, tuple(points), relaxed)


def _pairs(visits: dict[int, Visit]) -> tuple[tuple[int, int], ...]:
    pickups = {v.job: n for n, v in visits.items() if v.kind is StopKind.PICKUP}
    return tuple(
        (pickups[v.job], n)
        for n, v in visits.items()
        if v.kind is StopKind.DELIVERY and v.job in pickups
    )


def _penalties(
    problem: Problem, visits: dict[int, Visit], distance: npt.NDArray[np.int64], n: int
) -> tuple[int | None, ...]:
    # Leaving a job out must cost more than the longest detour plus a vehicle's fixed cost,
    # so the solver only drops what truly does not fit; priorities multiply that cost.
    longest = int(distance.max()) if distance.size else 0
    fixed = max((v.fixed_cost for v in problem.vehicles), default=0)
    base = 2 * longest + fixed + 1
    locked = {(s.job_id, s.kind) for s in problem.locked}
    result: list[int | None] = [None] * n
    for node, visit in visits.items():
        job = problem.jobs[visit.job]
        keep = (job.id, visit.kind) in locked or (job.id, _other(visit.kind)) in locked
        result[node] = None if keep else base * (1 + job.priority)
    return tuple(result)


def _other(kind: StopKind) -> StopKind:
    return StopKind.DELIVERY if kind is StopKind.PICKUP else StopKind.PICKUP


def _locked(problem: Problem, visits: dict[int, Visit]) -> tuple[tuple[int, ...], ...]:
    node_of = {(problem.jobs[v.job].id, v.kind): n for n, v in visits.items()}
    order = {v.id: i for i, v in enumerate(problem.vehicles)}
    routes: list[list[int]] = [[] for _ in problem.vehicles]
    for stop in problem.locked:
        routes[order[stop.vehicle_id]].append(node_of[(stop.job_id, stop.kind)])
    return tuple(tuple(r) for r in routes)
