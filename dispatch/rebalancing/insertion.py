"""Cheapest feasible insertion of a pickup-and-delivery pair into one vehicle's route.

Built on routing's numeric network and its schedule (the same arithmetic its validator
uses): every pickup position, then every delivery position after it, is scheduled, and the
shortest candidate that breaks no rule the route did not already break wins. A route with
a forced stop already breaks rules; judging a move by the rules it *adds* keeps a forced
route usable without letting a move make it worse somewhere new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.core import Network, Route
from routing.schedule import distance_of, schedule_route

__all__ = ["Breach", "Insertion", "breaches", "cheapest_insertion", "new_breaches"]

EPS = 1e-6
LOAD_RULES = ("capacity_kg", "capacity_parcels")
"""The rule broken when load dimension 0 (grams) or 1 (parcels) is over capacity."""


@dataclass(frozen=True)
class Breach:
    """A broken rule: ``node`` is the stop where it shows (None for the whole route)."""

    rule: str
    """``window``, ``capacity_kg``, ``capacity_parcels`` or ``shift_end``."""
    node: int | None
    value: float
    limit: float

    @property
    def key(self) -> tuple[str, int | None]:
        return self.rule, self.node


@dataclass(frozen=True)
class Insertion:
    route: Route
    added_m: float
    """Metres the insertion adds to the route."""
    breaches: tuple[Breach, ...]
    """Rules broken by this insertion that the route did not break before."""

    @property
    def feasible(self) -> bool:
        return not self.breaches


def breaches(net: Network, route: Sequence[int], vehicle: int = 0) -> tuple[Breach, ...]:
    """Every rule the route breaks, stop by stop, on routing's earliest schedule."""
    schedule = schedule_route(net, vehicle, tuple(route))
    found: list[Breach] = []
    for d, load in enumerate(schedule.start_loads):
        if load > net.capacities[d][vehicle] + EPS:
            found.append(Breach(LOAD_RULES[d], None, load, net.capacities[d][vehicle]))
    for stop in schedule.stops:
        if stop.start > net.late[stop.node] + EPS:
            found.append(Breach("window", stop.node, stop.start, net.late[stop.node]))
        for d, load in enumerate(stop.loads):
            if load > net.capacities[d][vehicle] + EPS:
                found.append(Breach(LOAD_RULES[d], stop.node, load, net.capacities[d][vehicle]))
    deadline = min(net.shift_end[vehicle], net.late[net.ends[vehicle]])
    if schedule.end_arrival > deadline + EPS:
        found.append(Breach("shift_end", None, schedule.end_arrival, deadline))
    return tuple(found)


def new_breaches(
    net: Network, before: Sequence[int], after: Sequence[int], vehicle: int = 0
) -> tuple[Breach, ...]:
    """The rules ``after`` breaks that ``before`` did not (by rule and stop)."""
    old = {b.key for b in breaches(net, before, vehicle)}
    return tuple(b for b in breaches(net, after, vehicle) if b.key not in old)


def cheapest_insertion(
    net: Network, route: Sequence[int], pickup: int, delivery: int, vehicle: int = 0
) -> Insertion:
    """The shortest feasible placement of pickup then delivery; when none is feasible, the
    placement breaking the fewest new rules (the shortest among those), for a forced move."""
    base = tuple(route)
    old = {b.key for b in breaches(net, base, vehicle)}
    length = distance_of(net, vehicle, base)
    best: tuple[int, float, Route, tuple[Breach, ...]] | None = None
    for i in range(len(base) + 1):
        for j in range(i, len(base) + 1):
            candidate = (*base[:i], pickup, *base[i:j], delivery, *base[j:])
            added = distance_of(net, vehicle, candidate) - length
            if best is not None and best[0] == 0 and added >= best[1]:
                continue  # cannot beat the best feasible one: skip the schedule
            broken = tuple(b for b in breaches(net, candidate, vehicle) if b.key not in old)
            rank = (len(broken), added)
            if best is None or rank < (best[0], best[1]):
                best = (len(broken), added, candidate, broken)
    assert best is not None  # there is always at least one placement
    return Insertion(route=best[2], added_m=best[1], breaches=best[3])
