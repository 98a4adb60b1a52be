"""Locked stops are commitments: kept even when they can no longer keep every rule.

A vehicle's locked stops open its route in a fixed order, so their earliest schedule is
known before any search. When that schedule already breaks a rule (the shipper is running
late, a window has closed, a dispatcher forced an overload, the shift ends before the
promised work does), no plan can keep the rule, and a hard rule would make the whole
problem infeasible. So the rule is relaxed for exactly what the commitments need, and the
relaxation is reported:

- a locked stop served after its window closes: its window end moves to the earliest time
  it can start (the window start stays: nobody is served before their window opens);
- a vehicle back after its shift ends, over a capacity or over its stop limit because of
  its locked stops: the limit moves to what they need, and the vehicle takes no new job in
  this problem, so a relaxed limit never makes room for new work.

The compiler applies this to every network it builds, so the solver and the validator
judge a plan by the same relaxed rules; the solution lists them (`Solution.relaxed`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from routing.core import Network
from routing.problem import Problem, StopKind
from routing.schedule import Schedule, schedule_route
from routing.solution import Relaxation

__all__ = ["LOAD_RULES", "relax_commitments"]

LOAD_RULES = ("capacity_kg", "capacity_parcels")
"""The rule of load dimension 0 (grams) and 1 (parcels)."""
_LOAD_UNIT = (1000.0, 1.0)
"""Network units per problem unit of each load dimension (grams per kilogram)."""


@dataclass
class _Limits:
    """The network's limits, being relaxed."""

    late: list[int]
    shift_end: list[int]
    capacities: list[list[int]]
    max_stops: list[int | None]
    relaxed: list[Relaxation] = field(default_factory=list)
    closed: set[int] = field(default_factory=set)
    """Vehicles whose own limits were relaxed: they take no new job."""


def relax_commitments(
    problem: Problem, net: Network, names: Mapping[int, tuple[str, StopKind]]
) -> tuple[Network, tuple[Relaxation, ...]]:
    """``net`` with the rules its locked stops cannot keep relaxed (see the module doc).

    ``names`` maps each visit node to its job id and stop kind, for the report.
    """
    if not any(net.locked):
        return net, ()
    limits = _Limits(
        late=list(net.late),
        shift_end=list(net.shift_end),
        capacities=[list(c) for c in net.capacities],
        max_stops=list(net.max_stops),
    )
    for v, vehicle in enumerate(problem.vehicles):
        prefix = net.locked_prefix(v)
        if prefix:
            _relax_vehicle(net, v, vehicle.id, schedule_route(net, v, prefix), limits, names)
    if not limits.relaxed:
        return net, ()
    return _relaxed_network(net, limits), tuple(limits.relaxed)


def _relax_vehicle(
    net: Network,
    v: int,
    name: str,
    s: Schedule,
    limits: _Limits,
    names: Mapping[int, tuple[str, StopKind]],
) -> None:
    for stop in s.stops:
        if stop.start > limits.late[stop.node]:
            needed = math.ceil(stop.start)
            job_id, kind = names[stop.node]
            limits.relaxed.append(
                Relaxation(name, "window", limits.late[stop.node], needed, job_id, kind)
            )
            limits.late[stop.node] = needed
    deadline = min(limits.shift_end[v], limits.late[net.ends[v]])
    if s.end_arrival > deadline:
        needed = math.ceil(s.end_arrival)
        limits.relaxed.append(Relaxation(name, "shift_end", deadline, needed))
        limits.shift_end[v] = max(limits.shift_end[v], needed)
        for depot in (net.starts[v], net.ends[v]):
            limits.late[depot] = max(limits.late[depot], needed)
        limits.closed.add(v)
    for d, capacities in enumerate(limits.capacities):
        peak = max([s.start_loads[d], *(stop.loads[d] for stop in s.stops)])
        if peak > capacities[v]:
            unit = _LOAD_UNIT[d] if d < len(_LOAD_UNIT) else 1.0
            rule = LOAD_RULES[d] if d < len(LOAD_RULES) else f"load{d}"
            limits.relaxed.append(Relaxation(name, rule, capacities[v] / unit, peak / unit))
            capacities[v] = math.ceil(peak)
            limits.closed.add(v)
    limit = limits.max_stops[v] if limits.max_stops else None
    if limit is not None and len(s.stops) > limit:
        limits.relaxed.append(Relaxation(name, "max_stops", limit, len(s.stops)))
        limits.max_stops[v] = len(s.stops)
        limits.closed.add(v)


def _relaxed_network(net: Network, limits: _Limits) -> Network:
    allowed = dict(net.allowed)
    if limits.closed:
        open_vehicles = tuple(v for v in range(net.num_vehicles) if v not in limits.closed)
        for node in net.visits:
            # Only jobs the solver may leave out are kept off closed vehicles; a stop that
            # must be served stays where its locked half puts it.
            if node not in allowed and net.penalties[node] is not None:
                allowed[node] = open_vehicles
    return replace(
        net,
        late=tuple(limits.late),
        shift_end=tuple(limits.shift_end),
        capacities=tuple(tuple(c) for c in limits.capacities),
        max_stops=tuple(limits.max_stops),
        allowed=allowed,
    )
