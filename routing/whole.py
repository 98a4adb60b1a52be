"""Solving a problem as one OR-Tools model: `solve_whole(problem) -> Solution`."""

from __future__ import annotations

import time
from dataclasses import replace

from routing.check import check_problem
from routing.compile import Compiled, compile_problem
from routing.core import Network, Route, restrict
from routing.matrix import MatrixBackend
from routing.model import ModelResult, solve_network
from routing.precheck import precheck
from routing.problem import Problem, StopKind
from routing.schedule import schedule_route
from routing.search import SearchOptions
from routing.solution import RouteStop, Solution, Unassigned, UnassignedReason, VehicleRoute

__all__ = ["build_solution", "solve_whole"]


def solve_whole(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    backend: MatrixBackend | None = None,
    options: SearchOptions | None = None,
    initial: Solution | None = None,
) -> Solution:
    """`routing.solve.solve` (same arguments, errors and answer) as one OR-Tools model,
    whatever the problem's size and time limit."""
    started = time.perf_counter()
    check_problem(problem)
    if not problem.vehicles:
        left = tuple(Unassigned(j.id, UnassignedReason.NO_VEHICLES) for j in problem.jobs)
        return Solution((), left, 0)
    if not problem.jobs:
        return _empty(problem)
    compiled = compile_problem(problem, backend)
    jobs = _job_nodes(compiled)
    reasons = precheck(compiled.network, jobs)
    keep = [
        n
        for n in range(compiled.network.num_nodes)
        if compiled.visits.get(n) is None or compiled.visits[n].job not in reasons
    ]
    net = restrict(compiled.network, keep)
    # The limit covers the whole call: what matrices and checks took, and an estimate of
    # the model build, come off the search time.
    spent = time.perf_counter() - started + 0.05 + 1e-6 * net.num_nodes**2
    opts = replace(options or SearchOptions(), time_limit_s=max(0.1, time_limit_s - spent))
    warm = _initial_routes(problem, compiled, keep, initial) if initial else None
    result = solve_network(net, opts, warm)
    if not result.found:
        result = _commitments_only(net)
    routes = tuple(tuple(keep[n] for n in r) for r in result.routes)
    for node in result.dropped:
        reasons.setdefault(compiled.visits[keep[node]].job, UnassignedReason.NO_ROOM)
    stats = {"wall_s": time.perf_counter() - started, "objective": float(result.objective)}
    return build_solution(problem, compiled, routes, reasons, stats)


def _commitments_only(net: Network) -> ModelResult:
    """No assignment at all within the limit: the locked stops alone are still a plan (they
    keep the relaxed rules by construction), and every other job is left out."""
    routes = tuple(net.locked_prefix(v) for v in range(net.num_vehicles))
    served = {n for r in routes for n in r}
    dropped = tuple(n for n in net.visits if n not in served)
    return ModelResult(routes, dropped, 0, found=False)


def _empty(problem: Problem) -> Solution:
    routes = tuple(
        VehicleRoute(v.id, (), v.shift.start, v.shift.start, 0) for v in problem.vehicles
    )
    return Solution(routes, (), 0)


def _job_nodes(compiled: Compiled) -> dict[int, tuple[int, ...]]:
    jobs: dict[int, list[int]] = {}
    for node in sorted(compiled.visits):
        visit = compiled.visits[node]
        # Pickup nodes are laid out before their delivery, so lists come out pickup first.
        jobs.setdefault(visit.job, []).append(node)
    return {j: tuple(nodes) for j, nodes in jobs.items()}


def _initial_routes(
    problem: Problem, compiled: Compiled, keep: list[int], initial: Solution
) -> tuple[Route, ...]:
    """The given plan in solver nodes, skipping jobs and vehicles that no longer exist."""
    node_of = {(problem.jobs[v.job].id, v.kind): n for n, v in compiled.visits.items()}
    index = {n: i for i, n in enumerate(keep)}
    routes = []
    for vehicle in problem.vehicles:
        route = initial.route_of(vehicle.id)
        stops = route.stops if route else ()
        nodes = [node_of.get((s.job_id, s.kind)) for s in stops]
        routes.append(tuple(index[n] for n in nodes if n is not None and n in index))
    return tuple(routes)


def build_solution(
    problem: Problem,
    compiled: Compiled,
    routes: tuple[Route, ...],
    reasons: dict[int, UnassignedReason],
    stats: dict[str, float],
) -> Solution:
    """Times and loads recomputed along each route (in original node numbers)."""
    net = compiled.network
    vehicle_routes = [
        _vehicle_route(problem, compiled, net, v, route) for v, route in enumerate(routes)
    ]
    unassigned = tuple(Unassigned(problem.jobs[j].id, r) for j, r in sorted(reasons.items()))
    total = sum(r.distance_m for r in vehicle_routes)
    return Solution(tuple(vehicle_routes), unassigned, total, stats, compiled.relaxed)


def _vehicle_route(
    problem: Problem, compiled: Compiled, net: Network, v: int, route: Route
) -> VehicleRoute:
    s = schedule_route(net, v, route)
    stops = []
    for stop in s.stops:
        visit = compiled.visits[stop.node]
        stops.append(
            RouteStop(
                job_id=problem.jobs[visit.job].id,
                kind=StopKind(visit.kind),
                location=visit.location,
                arrival_s=int(stop.arrival),
                wait_s=int(stop.start - stop.arrival),
                departure_s=int(stop.departure),
                load_kg=stop.loads[0] / 1000,
                load_parcels=int(stop.loads[1]),
            )
        )
    return VehicleRoute(
        vehicle_id=problem.vehicles[v].id,
        stops=tuple(stops),
        start_s=int(s.departure),
        end_s=int(s.end_arrival),
        distance_m=int(s.distance),
        start_load_kg=s.start_loads[0] / 1000,
        start_load_parcels=int(s.start_loads[1]),
    )
