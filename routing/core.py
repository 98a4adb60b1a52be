"""The numeric form of a routing problem, shared by the solver, the validator and the bench.

Both the geographic `Problem` (see `routing.compile`) and the benchmark files (see
`routing.instances`) are turned into a `Network`: nodes numbered from 0, integer matrices,
per-node windows and load changes, per-vehicle start/end nodes and limits. Keeping one
numeric form means the OR-Tools model and the validator never disagree about what a
problem means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["Matrix", "Network", "Route", "restrict"]

Matrix = npt.NDArray[np.int64] | npt.NDArray[np.float64]
Route = tuple[int, ...]
"""The visited nodes of one vehicle, in order, start and end nodes left out."""


@dataclass(frozen=True, eq=False)
class Network:
    """A routing problem over numbered nodes.

    Start and end nodes of vehicles ("depots") are never visits; every other node is a
    visit that is served at most once. Times are in one unit (seconds for real problems,
    scaled Euclidean units for benchmarks); `load_deltas[d][i]` is the change of quantity `d`
    on board when node `i` is served: a pickup is positive, a delivery of something picked
    up earlier negative, and a delivery of something loaded at the start depot negative too
    (the start load is then the sum of those, see `routing.validate`).
    """

    distance: Matrix
    travel: tuple[Matrix, ...]
    """One travel-time matrix per speed profile; `vehicle_profile` selects one per vehicle."""
    service: tuple[int, ...]
    early: tuple[int, ...]
    late: tuple[int, ...]
    load_deltas: tuple[tuple[int, ...], ...]
    capacities: tuple[tuple[int, ...], ...]
    """`capacities[d][v]`: the most of quantity `d` vehicle `v` can carry."""
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    shift_start: tuple[int, ...]
    shift_end: tuple[int, ...]
    vehicle_profile: tuple[int, ...]
    penalties: tuple[int | None, ...]
    """Cost of leaving a visit out; None means it must be served (a locked stop)."""
    pairs: tuple[tuple[int, int], ...] = ()
    """(pickup, delivery) nodes served by the same vehicle, pickup first."""
    max_stops: tuple[int | None, ...] = ()
    fixed_cost: tuple[int, ...] = ()
    locked: tuple[Route, ...] = ()
    """Per vehicle, visits that must open its route in this order (may be empty)."""
    allowed: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Visits restricted to some vehicles (node -> vehicle indices)."""

    @property
    def num_nodes(self) -> int:
        return len(self.service)

    @property
    def num_vehicles(self) -> int:
        return len(self.starts)

    @property
    def visits(self) -> tuple[int, ...]:
        depots = set(self.starts) | set(self.ends)
        return tuple(i for i in range(self.num_nodes) if i not in depots)

    def stop_limit(self, vehicle: int) -> int | None:
        return self.max_stops[vehicle] if self.max_stops else None

    def vehicle_fixed_cost(self, vehicle: int) -> int:
        return self.fixed_cost[vehicle] if self.fixed_cost else 0

    def locked_prefix(self, vehicle: int) -> Route:
        return self.locked[vehicle] if self.locked else ()

    def travel_of(self, vehicle: int) -> Matrix:
        return self.travel[self.vehicle_profile[vehicle]]


def restrict(net: Network, keep: list[int]) -> Network:
    """The same network with only the nodes in `keep` (depots first, in order); node i of
    the result is `keep[i]` of `net`."""
    index = {node: i for i, node in enumerate(keep)}
    idx = np.array(keep, dtype=np.int64)

    def pick(values: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(values[k] for k in keep)

    penalties = tuple(net.penalties[k] for k in keep)
    return Network(
        distance=net.distance[np.ix_(idx, idx)],
        travel=tuple(t[np.ix_(idx, idx)] for t in net.travel),
        service=pick(net.service),
        early=pick(net.early),
        late=pick(net.late),
        load_deltas=tuple(pick(d) for d in net.load_deltas),
        capacities=net.capacities,
        starts=tuple(index[s] for s in net.starts),
        ends=tuple(index[e] for e in net.ends),
        shift_start=net.shift_start,
        shift_end=net.shift_end,
        vehicle_profile=net.vehicle_profile,
        penalties=penalties,
        pairs=tuple((index[p], index[d]) for p, d in net.pairs if p in index and d in index),
        max_stops=net.max_stops,
        fixed_cost=net.fixed_cost,
        locked=tuple(tuple(index[n] for n in r if n in index) for r in net.locked),
        allowed={index[n]: v for n, v in net.allowed.items() if n in index},
    )
