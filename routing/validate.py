"""The feasibility validator: recomputes every route without the solver.

`check_routes` works on a `Network` (integer or unrounded float matrices) and returns a
list of human-readable violations, empty when the routes are feasible. `validate` (in
`routing.verify`) does the same for a `Problem` and its `Solution`.
"""

from __future__ import annotations

from collections.abc import Sequence

from routing.core import Network, Route
from routing.schedule import Schedule, schedule_route

__all__ = ["check_routes", "total_distance"]

EPS = 1e-6
"""Tolerance for float matrices; integer matrices compare exactly in effect."""


def total_distance(net: Network, routes: Sequence[Route]) -> float:
    return sum(schedule_route(net, v, r).distance for v, r in enumerate(routes))


def _check_nodes(net: Network, routes: Sequence[Route]) -> list[str]:
    problems = []
    if len(routes) > net.num_vehicles:
        problems.append(f"{len(routes)} routes for {net.num_vehicles} vehicles")
    visits = set(net.visits)
    seen: dict[int, int] = {}
    for v, route in enumerate(routes):
        for node in route:
            if node not in visits:
                problems.append(f"vehicle {v}: node {node} is not a visit")
            elif node in seen:
                problems.append(f"node {node} served by vehicles {seen[node]} and {v}")
            seen[node] = v
    for node in visits:
        if node not in seen and net.penalties[node] is None:
            problems.append(f"node {node} must be served but is left out")
    return problems


def _check_schedule(net: Network, s: Schedule) -> list[str]:
    v, problems = s.vehicle, []
    for stop in s.stops:
        if stop.start > net.late[stop.node] + EPS:
            problems.append(
                f"vehicle {v}: node {stop.node} served at {stop.start:g} after "
                f"its window closes at {net.late[stop.node]}"
            )
        for d, load in enumerate(stop.loads):
            if load > net.capacities[d][v] + EPS:
                problems.append(
                    f"vehicle {v}: load {d} is {load:g} after node {stop.node}, "
                    f"over capacity {net.capacities[d][v]}"
                )
    for d, load in enumerate(s.start_loads):
        if load > net.capacities[d][v] + EPS:
            problems.append(f"vehicle {v}: start load {d} is {load:g}, over capacity")
    deadline = min(net.shift_end[v], net.late[net.ends[v]])
    if s.end_arrival > deadline + EPS:
        problems.append(f"vehicle {v}: back at {s.end_arrival:g}, after its end {deadline}")
    return problems


def _check_vehicle_rules(net: Network, v: int, route: Route) -> list[str]:
    problems = []
    limit = net.stop_limit(v)
    if limit is not None and len(route) > limit:
        problems.append(f"vehicle {v}: {len(route)} stops, over its limit {limit}")
    prefix = net.locked_prefix(v)
    if tuple(route[: len(prefix)]) != tuple(prefix):
        problems.append(f"vehicle {v}: locked stops {list(prefix)} are not its first stops")
    for node in route:
        allowed = net.allowed.get(node)
        if allowed is not None and v not in allowed:
            problems.append(f"vehicle {v}: node {node} is restricted to vehicles {allowed}")
    return problems


def _check_pairs(net: Network, routes: Sequence[Route]) -> list[str]:
    where = {node: (v, i) for v, route in enumerate(routes) for i, node in enumerate(route)}
    problems = []
    for pickup, delivery in net.pairs:
        p, d = where.get(pickup), where.get(delivery)
        if p is None and d is None:
            continue
        if p is None or d is None:
            problems.append(f"pair {pickup}->{delivery}: only one of the two is served")
        elif p[0] != d[0]:
            problems.append(f"pair {pickup}->{delivery}: served by vehicles {p[0]} and {d[0]}")
        elif p[1] > d[1]:
            problems.append(f"pair {pickup}->{delivery}: delivery comes before the pickup")
    return problems


def check_routes(net: Network, routes: Sequence[Route]) -> list[str]:
    """Every broken rule of `routes` (one per vehicle, visits only); [] when feasible."""
    problems = _check_nodes(net, routes)
    problems += _check_pairs(net, routes)
    for v, route in enumerate(routes[: net.num_vehicles]):
        problems += _check_vehicle_rules(net, v, route)
        problems += _check_schedule(net, schedule_route(net, v, route))
    return problems
