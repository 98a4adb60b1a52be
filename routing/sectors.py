"""Zones for benchmark instances: angular sectors around the depot.

The OR-Tools local search barely moves on a 1,000-customer, 250-vehicle model within a
minute here (see docs/routing.md), while 100-200-customer models improve quickly. So the
bench splits large instances the way `routing.zones` splits large problems: customers
are cut into sectors of similar size by their angle around the depot (pickup-and-delivery
pairs travel together), the fleet is shared in proportion to each sector's work, and each
sector is solved on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from routing.instances import Instance

__all__ = ["route_groups", "sector_groups", "share_fleet", "sub_instance"]


def _units(inst: Instance) -> list[tuple[int, ...]]:
    """Customers that must stay together: singles for VRPTW, pairs for PDPTW."""
    if inst.pairs:
        return [tuple(p) for p in inst.pairs]
    return [(i,) for i in range(1, inst.size)]


def _angular_order(inst: Instance, members: Sequence[Sequence[int]]) -> npt.NDArray[np.intp]:
    """Indices of `members` (groups of nodes) by the angle of their centre around the
    depot, starting after the widest empty angle, so a cluster is not split by the origin."""
    x0, y0 = float(inst.x[0]), float(inst.y[0])
    angles = np.array(
        [
            math.atan2(float(inst.y[m].mean() - y0), float(inst.x[m].mean() - x0))
            for m in map(list, members)
        ]
    )
    order = np.argsort(angles)
    sorted_angles = angles[order]
    gaps = np.diff(np.append(sorted_angles, sorted_angles[0] + 2 * math.pi))
    return np.roll(order, -((int(np.argmax(gaps)) + 1) % len(order)))


def sector_groups(inst: Instance, count: int) -> list[tuple[int, ...]]:
    """`count` groups of customer nodes of similar size, by angle around the depot
    (`_angular_order`)."""
    units = _units(inst)
    groups = np.array_split(_angular_order(inst, units), count)
    return [tuple(sorted(n for k in g for n in units[int(k)])) for g in groups if len(g)]


def route_groups(
    inst: Instance, routes: Sequence[tuple[int, ...]], count: int, offset: float
) -> list[list[int]]:
    """Route indices in `count` groups of consecutive routes by the angle of their centre
    around the depot, of similar customer counts.

    The cuts start at the widest empty angle, moved on by `offset` (a fraction of a group),
    so that with an offset of one half every group straddles a border of the previous cut
    (the route-based decomposition of Vidal et al.'s HGS for large instances).
    """
    if not routes:
        return []
    order = _angular_order(inst, routes)
    sizes = np.array([len(routes[int(k)]) for k in order], dtype=float)
    target = sizes.sum() / count
    # Group k holds the routes whose customer-count midpoint falls in its share.
    midpoints = (np.cumsum(sizes) - sizes / 2 + offset * target) % sizes.sum()
    labels = np.minimum((midpoints // target).astype(int), count - 1)
    groups: list[list[int]] = [[] for _ in range(count)]
    for k, label in zip(order, labels, strict=True):
        groups[int(label)].append(int(k))
    return [g for g in groups if g]


def share_fleet(inst: Instance, groups: Sequence[tuple[int, ...]]) -> list[int]:
    """Vehicles per group: proportional to the larger of its demand and customer share,
    at least one each, summing to the instance's fleet."""
    total_demand = sum(max(0, d) for d in inst.demand) or 1
    total_nodes = inst.size - 1
    shares = [
        max(sum(max(0, inst.demand[n]) for n in g) / total_demand, len(g) / total_nodes)
        for g in groups
    ]
    scale = inst.vehicles / sum(shares)
    fleet = [max(1, math.floor(s * scale)) for s in shares]
    by_remainder = sorted(range(len(groups)), key=lambda k: -(shares[k] * scale % 1))
    k = 0
    while sum(fleet) < inst.vehicles:
        fleet[by_remainder[k % len(groups)]] += 1
        k += 1
    while sum(fleet) > inst.vehicles:
        fleet[fleet.index(max(fleet))] -= 1
    return fleet


def sub_instance(inst: Instance, nodes: tuple[int, ...], vehicles: int) -> Instance:
    """The depot and `nodes`, renumbered 0..len(nodes) in that order."""
    keep = (0, *nodes)
    index = {n: i for i, n in enumerate(keep)}

    def pick(values: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(values[n] for n in keep)

    pairs = tuple((index[p], index[d]) for p, d in inst.pairs if p in index)
    return replace(
        inst,
        vehicles=vehicles,
        x=inst.x[list(keep)],
        y=inst.y[list(keep)],
        demand=pick(inst.demand),
        ready=pick(inst.ready),
        due=pick(inst.due),
        service=pick(inst.service),
        pairs=pairs,
    )
