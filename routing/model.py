"""The OR-Tools model (pywrapcp, 9.15 API) of a `Network`, and its solve.

One dimension per quantity, as in the OR-Tools samples: a time dimension whose cumul is
the start of service (transit = service at the origin + travel), one capacity dimension
per load quantity, and a stop-count dimension when some vehicle has a stop limit. Every
visit that is not locked sits in a disjunction with a penalty, so an order that cannot
fit is dropped and reported instead of making the whole batch infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp

from routing.core import Network, Route
from routing.search import SearchOptions, search_parameters

__all__ = ["MIN_ILS_VISITS", "ModelResult", "solve_network"]

FALLBACK_CAP_S = 30.0
"""The longest the fallback construction may take (see `_fallback`)."""

MIN_ILS_VISITS = 4
"""OR-Tools 9.15's iterated search never returns on a single visit (measured), so tiny
problems use guided local search."""


@dataclass(frozen=True)
class ModelResult:
    """Routes per vehicle (visits only) and the visits left out; `found` is False when
    OR-Tools returned no assignment at all (then every visit is left out)."""

    routes: tuple[Route, ...]
    dropped: tuple[int, ...]
    objective: int
    found: bool


@dataclass
class _Model:
    routing: pywrapcp.RoutingModel
    manager: pywrapcp.RoutingIndexManager
    time: pywrapcp.RoutingDimension


def _matrix_callback(routing: pywrapcp.RoutingModel, rows: list[list[int]]) -> int:
    return int(routing.RegisterTransitMatrix(rows))


def _add_time(model: _Model, net: Network, horizon: int) -> None:
    routing, manager = model.routing, model.manager
    service = np.array(net.service, dtype=np.int64)[:, None]
    callbacks = []
    for travel in net.travel:
        # The cumul is the start of service, so the time an arc takes includes the service
        # at its origin; rounding travel up keeps integer-feasible routes feasible in reals.
        rows = (np.asarray(travel, dtype=np.int64) + service).tolist()
        callbacks.append(_matrix_callback(routing, rows))
    evaluators = [callbacks[p] for p in net.vehicle_profile]
    routing.AddDimensionWithVehicleTransitAndCapacity(
        evaluators, horizon, [int(e) for e in net.shift_end], False, "time"
    )
    time = routing.GetDimensionOrDie("time")
    for node in net.visits:
        time.CumulVar(manager.NodeToIndex(node)).SetRange(net.early[node], net.late[node])
    for v in range(net.num_vehicles):
        start, end = net.starts[v], net.ends[v]
        lo = max(net.shift_start[v], net.early[start])
        time.CumulVar(routing.Start(v)).SetRange(lo, max(lo, net.late[start]))
        time.CumulVar(routing.End(v)).SetMax(min(net.shift_end[v], net.late[end]))
    model.time = time


def _add_loads(model: _Model, net: Network) -> None:
    routing = model.routing
    paired = {d for _, d in net.pairs}
    for d, deltas in enumerate(net.load_deltas):
        if not any(deltas):
            continue
        callback = routing.RegisterUnaryTransitVector([int(x) for x in deltas])
        # Deliveries loaded at the start depot have negative deltas; the start load is then
        # left free and the non-negative cumuls force it to cover them (see routing.core).
        from_depot = any(x < 0 and i not in paired for i, x in enumerate(deltas))
        routing.AddDimensionWithVehicleCapacity(
            callback, 0, [int(c) for c in net.capacities[d]], not from_depot, f"load{d}"
        )


def _add_stop_limits(model: _Model, net: Network) -> None:
    limits = [net.stop_limit(v) for v in range(net.num_vehicles)]
    if all(limit is None for limit in limits):
        return
    visits = set(net.visits)
    ones = [1 if i in visits else 0 for i in range(net.num_nodes)]
    callback = model.routing.RegisterUnaryTransitVector(ones)
    caps = [len(visits) if limit is None else limit for limit in limits]
    model.routing.AddDimensionWithVehicleCapacity(callback, 0, caps, True, "stops")


def _add_pairs_and_penalties(model: _Model, net: Network, options: SearchOptions) -> None:
    routing, manager = model.routing, model.manager
    # With balancing on, serving one more job may lengthen the longest day by up to the
    # whole horizon; the penalty grows by that much so balance never drops a job.
    day = max(net.shift_end, default=0) - min(net.shift_start, default=0)
    extra = options.balance_coefficient * max(0, day)
    solver = routing.solver()
    for pickup, delivery in net.pairs:
        p, d = manager.NodeToIndex(pickup), manager.NodeToIndex(delivery)
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(model.time.CumulVar(p) <= model.time.CumulVar(d))
    for node in net.visits:
        penalty = net.penalties[node]
        if penalty is not None:
            routing.AddDisjunction([manager.NodeToIndex(node)], int(penalty) + extra)
    for node, vehicles in net.allowed.items():
        # -1 is the vehicle of an unperformed visit; the disjunction decides that part.
        routing.VehicleVar(manager.NodeToIndex(node)).SetValues([-1, *vehicles])


def _add_vehicle_terms(model: _Model, net: Network, options: SearchOptions) -> None:
    routing, manager = model.routing, model.manager
    for v in range(net.num_vehicles):
        cost = net.vehicle_fixed_cost(v)
        if cost:
            routing.SetFixedCostOfVehicle(int(cost), v)
        previous = routing.Start(v)
        for node in net.locked_prefix(v):
            index = manager.NodeToIndex(node)
            routing.solver().Add(routing.NextVar(previous) == index)
            previous = index
    if options.balance_coefficient:
        # Penalising the spread between the longest and shortest working day spreads
        # orders over shippers instead of filling the first ones to the brim.
        model.time.SetGlobalSpanCostCoefficient(options.balance_coefficient)


def build_model(net: Network, options: SearchOptions) -> _Model:
    manager = pywrapcp.RoutingIndexManager(
        net.num_nodes, net.num_vehicles, list(net.starts), list(net.ends)
    )
    routing = pywrapcp.RoutingModel(manager)
    cost = _matrix_callback(routing, np.asarray(net.distance, dtype=np.int64).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    model = _Model(routing, manager, None)
    horizon = max([*net.late, *net.shift_end]) + 1
    _add_time(model, net, horizon)
    _add_loads(model, net)
    _add_stop_limits(model, net)
    _add_pairs_and_penalties(model, net, options)
    _add_vehicle_terms(model, net, options)
    return model


def _extract(model: _Model, net: Network, solution: pywrapcp.Assignment | None) -> ModelResult:
    if solution is None:
        return ModelResult(tuple(() for _ in net.starts), net.visits, 0, found=False)
    routing, manager = model.routing, model.manager
    routes = []
    for v in range(net.num_vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(tuple(route))
    served = {n for r in routes for n in r}
    dropped = tuple(n for n in net.visits if n not in served)
    return ModelResult(tuple(routes), dropped, int(solution.ObjectiveValue()), found=True)


def solve_network(
    net: Network, options: SearchOptions, initial: tuple[Route, ...] | None = None
) -> ModelResult:
    """Build the model, solve within `options.time_limit_s`, and return plain routes.

    `initial` (one route per vehicle) warm-starts the search; when OR-Tools rejects it
    (for example it breaks a constraint) the configured first-solution strategy is used.
    """
    if not net.visits:
        return ModelResult(tuple(() for _ in net.starts), (), 0, found=True)
    model = build_model(net, options)
    routing = model.routing
    if initial is not None:
        params = search_parameters(options.for_warm_start(), net.num_nodes)
        routing.CloseModelWithParameters(params)
        indices = [[model.manager.NodeToIndex(n) for n in r] for r in initial]
        start = routing.ReadAssignmentFromRoutes(indices, True)
        if start is None:
            # The old plan no longer fits the model (e.g. a locked stop moved), or could
            # not be restored within the limit: start over.
            return solve_network(net, options)
        improved = routing.SolveFromAssignmentWithParameters(start, params)
        # No better assignment within the limit: the starting routes are still a plan.
        return _extract(model, net, start if improved is None else improved)
    if len(net.visits) < MIN_ILS_VISITS:
        options = options.for_warm_start()
    params = search_parameters(options, net.num_nodes)
    if options.iterated:
        # SolveWithParameters ignores use_iterated_local_search in this version.
        result = _extract(model, net, routing.SolveWithIteratedLocalSearch(params))
    else:
        result = _extract(model, net, routing.SolveWithParameters(params))
    if result.found:
        return result
    return _fallback(net, options)


def _fallback(net: Network, options: SearchOptions) -> ModelResult:
    """No first solution within the limit (a large problem on a busy machine): build one
    with the fastest insertion and stop there. It overruns the limit, but a plan late by
    a few seconds beats no plan; the time cap only guards against a runaway build."""
    quick = replace(
        options,
        first_solution="LOCAL_CHEAPEST_INSERTION",
        metaheuristic="GREEDY_DESCENT",
        time_limit_s=max(FALLBACK_CAP_S, options.time_limit_s),
    )
    model = build_model(net, quick)
    params = search_parameters(quick, net.num_nodes)
    params.solution_limit = 1
    return _extract(model, net, model.routing.SolveWithParameters(params))
