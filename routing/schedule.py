"""Times and loads along one route, recomputed from the `Network` alone (no solver).

The schedule is the earliest one: service starts as soon as the vehicle is there and the
window is open. The vehicle leaves its start as late as it can without making the first
stop later, so nobody waits at the first door. If the earliest schedule breaks a window,
every schedule does, which is why the validator can rely on it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from routing.core import Network, Route

__all__ = ["Schedule", "StopTimes", "distance_of", "schedule_route"]


@dataclass(frozen=True)
class StopTimes:
    node: int
    arrival: float
    start: float
    departure: float
    loads: tuple[float, ...]
    """Quantities on board after the stop, one per load dimension."""


@dataclass(frozen=True)
class Schedule:
    vehicle: int
    departure: float
    """When the vehicle leaves its start node."""
    start_loads: tuple[float, ...]
    stops: tuple[StopTimes, ...]
    end_arrival: float
    distance: float


def distance_of(net: Network, vehicle: int, route: Route) -> float:
    if not route:
        return 0.0
    path = (net.starts[vehicle], *route, net.ends[vehicle])
    return float(sum(net.distance[a, b] for a, b in itertools.pairwise(path)))


def _start_loads(net: Network, route: Route) -> tuple[float, ...]:
    """Load on board at the start: enough to cover every delivery from the start depot.

    The lowest running sum of the deltas is minus the depot deliveries, because a paired
    delivery never comes before its pickup (the validator checks that separately).
    """
    loads = []
    for deltas in net.load_deltas:
        running, lowest = 0.0, 0.0
        for node in route:
            running += deltas[node]
            lowest = min(lowest, running)
        loads.append(max(0.0, -lowest))
    return tuple(loads)


def schedule_route(net: Network, vehicle: int, route: Route) -> Schedule:
    travel = net.travel_of(vehicle)
    start_node = net.starts[vehicle]
    leave = float(max(net.shift_start[vehicle], net.early[start_node]))
    if route:
        first = route[0]
        leave = max(leave, float(net.early[first] - travel[start_node, first]))
    loads = list(_start_loads(net, route))
    start_loads = tuple(loads)
    stops, here, clock = [], start_node, leave
    for node in route:
        arrival = clock + float(travel[here, node])
        begin = max(arrival, float(net.early[node]))
        clock = begin + net.service[node]
        for d, deltas in enumerate(net.load_deltas):
            loads[d] += deltas[node]
        stops.append(StopTimes(node, arrival, begin, clock, tuple(loads)))
        here = node
    end_arrival = clock + float(travel[here, net.ends[vehicle]]) if route else leave
    return Schedule(
        vehicle, leave, start_loads, tuple(stops), end_arrival, distance_of(net, vehicle, route)
    )
