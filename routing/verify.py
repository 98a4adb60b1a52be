"""Validate a `Solution` against its `Problem`, without the solver.

Two passes: the routes are mapped back to nodes and checked by `check_routes` (every
stop once, windows, capacities, pairs, shifts, locked stops), then the times and loads the
solution *claims* are checked against the travel matrices, so a plan shown to a shipper
never promises an ETA the road cannot keep.
"""

from __future__ import annotations

from routing.compile import Compiled, compile_problem
from routing.matrix import MatrixBackend
from routing.problem import Problem, StopKind
from routing.solution import Solution, VehicleRoute
from routing.validate import check_routes

__all__ = ["validate"]

_KG_TOLERANCE = 1e-6


def validate(
    problem: Problem, solution: Solution, backend: MatrixBackend | None = None
) -> list[str]:
    """Every broken rule in `solution`; an empty list means it is feasible.

    Use the same `backend` the solution was planned with (great-circle by default).
    """
    if not problem.vehicles:
        return _check_accounting(problem, solution)
    compiled = compile_problem(problem, backend)
    node_of = {(problem.jobs[v.job].id, v.kind): n for n, v in compiled.visits.items()}
    problems = _check_accounting(problem, solution)
    routes = []
    for v, vehicle in enumerate(problem.vehicles):
        route = solution.route_of(vehicle.id)
        stops = route.stops if route else ()
        missing = [s.job_id for s in stops if (s.job_id, s.kind) not in node_of]
        problems += [f"vehicle {vehicle.id!r}: unknown stop for job {j!r}" for j in missing]
        routes.append(
            tuple(node_of[(s.job_id, s.kind)] for s in stops if (s.job_id, s.kind) in node_of)
        )
        if route is not None:
            problems += _check_claims(compiled, v, route, node_of)
    problems += check_routes(compiled.network, routes)
    return problems


def _check_accounting(problem: Problem, solution: Solution) -> list[str]:
    """Each job is either routed (all its stops) or reported left out, never both."""
    problems = []
    routed = {s.job_id for r in solution.routes for s in r.stops}
    left = [u.job_id for u in solution.unassigned]
    for job in problem.jobs:
        count = (job.id in routed) + left.count(job.id)
        if count != 1:
            problems.append(f"job {job.id!r} is routed or left out {count} times, not once")
    known = {v.id for v in problem.vehicles}
    problems += [
        f"route for unknown vehicle {r.vehicle_id!r}"
        for r in solution.routes
        if r.vehicle_id not in known
    ]
    return problems


def _check_claims(
    compiled: Compiled, v: int, route: VehicleRoute, node_of: dict[tuple[str, StopKind], int]
) -> list[str]:
    net = compiled.network
    travel = net.travel_of(v)
    name, problems = route.vehicle_id, []
    here, clock = net.starts[v], route.start_s
    if clock < net.shift_start[v]:
        problems.append(f"vehicle {name!r}: leaves at {clock}, before its shift starts")
    load = [route.start_load_kg * 1000, float(route.start_load_parcels)]
    for stop in route.stops:
        node = node_of.get((stop.job_id, stop.kind))
        if node is None:
            problems.append(f"vehicle {name!r}: stop {stop.job_id!r} is not a stop of the problem")
            continue
        begin = stop.arrival_s + stop.wait_s
        if stop.arrival_s < clock + travel[here, node] or stop.wait_s < 0:
            problems.append(f"vehicle {name!r}: arrives at {stop.job_id!r} sooner than possible")
        if not net.early[node] <= begin <= net.late[node]:
            problems.append(f"vehicle {name!r}: serves {stop.job_id!r} outside its window")
        if stop.departure_s < begin + net.service[node]:
            problems.append(f"vehicle {name!r}: leaves {stop.job_id!r} before service ends")
        load = [load[0] + net.load_deltas[0][node], load[1] + net.load_deltas[1][node]]
        if abs(load[0] / 1000 - stop.load_kg) > _KG_TOLERANCE or load[1] != stop.load_parcels:
            problems.append(f"vehicle {name!r}: load after {stop.job_id!r} is misreported")
        here, clock = node, stop.departure_s
    if route.stops and route.end_s < clock + travel[here, net.ends[v]]:
        problems.append(f"vehicle {name!r}: back at its end sooner than possible")
    if route.end_s > net.shift_end[v]:
        problems.append(f"vehicle {name!r}: back at {route.end_s}, after its shift ends")
    return problems
