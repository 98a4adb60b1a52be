"""Explain the obvious: jobs no vehicle could serve even with an empty route.

A job is tried alone on every vehicle, in stages, and the reason reported is the stage
where the last vehicles fall away: too heavy for all, no shift overlapping its windows,
a window closed before anyone can arrive, or no way back before the shift ends. Jobs that
pass go to the solver; if it still leaves them out, the reason is "no room".
"""

from __future__ import annotations

from collections.abc import Sequence

from routing.core import Network
from routing.solution import UnassignedReason

__all__ = ["precheck"]


def _fits(net: Network, v: int, nodes: Sequence[int]) -> bool:
    for d, deltas in enumerate(net.load_deltas):
        if max(abs(deltas[n]) for n in nodes) > net.capacities[d][v]:
            return False
    limit = net.stop_limit(v)
    return limit is None or len(nodes) <= limit


def _overlaps(net: Network, v: int, nodes: Sequence[int]) -> bool:
    return all(
        net.early[n] <= net.shift_end[v] and net.late[n] >= net.shift_start[v] for n in nodes
    )


def _alone(net: Network, v: int, nodes: Sequence[int]) -> tuple[bool, bool]:
    """(every window reached in time, back at the end before the shift ends) for the
    route start -> nodes -> end, leaving as early as the shift allows."""
    travel = net.travel_of(v)
    here = net.starts[v]
    clock = max(net.shift_start[v], net.early[here])
    for n in nodes:
        clock = max(clock + int(travel[here, n]), net.early[n])
        if clock > net.late[n]:
            return False, False
        clock += net.service[n]
        here = n
    end = net.ends[v]
    back = clock + int(travel[here, end])
    return True, back <= min(net.shift_end[v], net.late[end])


def reason_for(net: Network, nodes: Sequence[int]) -> UnassignedReason | None:
    """Why no vehicle can serve these nodes (a job's visits, pickup first), or None."""
    vehicles = [v for v in range(net.num_vehicles) if _fits(net, v, nodes)]
    if not vehicles:
        return UnassignedReason.TOO_HEAVY
    vehicles = [v for v in vehicles if _overlaps(net, v, nodes)]
    if not vehicles:
        return UnassignedReason.OUTSIDE_SHIFTS
    outcomes = [_alone(net, v, nodes) for v in vehicles]
    if not any(reached for reached, _ in outcomes):
        return UnassignedReason.WINDOW_UNREACHABLE
    if not any(back for _, back in outcomes):
        return UnassignedReason.OUTSIDE_SHIFTS
    return None


def precheck(net: Network, jobs: dict[int, tuple[int, ...]]) -> dict[int, UnassignedReason]:
    """Reasons for the jobs (job index -> its visit nodes) that cannot be served at all.

    Locked jobs are not checked: the caller promised them, the solver must keep them.
    """
    if net.num_vehicles == 0:
        return dict.fromkeys(jobs, UnassignedReason.NO_VEHICLES)
    reasons = {}
    for job, nodes in jobs.items():
        if any(net.penalties[n] is None for n in nodes):
            continue
        reason = reason_for(net, nodes)
        if reason is not None:
            reasons[job] = reason
    return reasons
