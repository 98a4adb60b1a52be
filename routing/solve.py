"""The public entry point: `solve(problem) -> Solution`.

One OR-Tools model (`routing.whole`) unless the time limit is too short for OR-Tools'
cheapest insertion to build a first plan of the whole problem: then the problem is split
into zones (`routing.zones`) solved one after another, because a zone's first plan costs
far less than its share of the whole one (insertion grows with the square of the visits).
Measured here: 500 orders in 2 s gave 2,475 km as one model (no first plan in time, the
fallback construction overran to 2.7 s) and 1,824 km in 1.64 s as three zones.
"""

from __future__ import annotations

import math

from routing.matrix import MatrixBackend
from routing.problem import Delivery, Problem
from routing.search import SearchOptions
from routing.solution import Solution
from routing.whole import solve_whole
from routing.zones import solve_zoned

__all__ = ["FIRST_PLAN_S_PER_VISIT2", "solve", "zones_for_time"]

FIRST_PLAN_S_PER_VISIT2 = 3e-6
"""Seconds per squared visit count that the first plan takes: measured here, 1.5e-6 on
an idle core and 3.3e-6 to 4.3e-6 with the machine loaded (900 visits: 1.2 s to 4.1 s);
the estimate leans to the loaded side, because a missed first plan costs far more than a
zone border."""
FIRST_PLAN_SHARE = 0.5
"""The part of the time limit the first plan may take; the search needs the rest."""
MIN_ZONE_JOBS = 100
"""Zones smaller than this lose more at their borders than they gain in speed."""


def zones_for_time(problem: Problem, time_limit_s: float) -> int:
    """How many zones `problem` needs so that each zone's first plan fits in its share of
    `time_limit_s` (1: solve it whole)."""
    visits = sum(1 if isinstance(job, Delivery) else 2 for job in problem.jobs)
    first_plan_s = FIRST_PLAN_S_PER_VISIT2 * visits**2
    wanted = math.ceil(first_plan_s / (FIRST_PLAN_SHARE * max(time_limit_s, 1e-3)))
    return max(1, min(wanted, len(problem.jobs) // MIN_ZONE_JOBS, len(problem.vehicles)))


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    backend: MatrixBackend | None = None,
    options: SearchOptions | None = None,
    initial: Solution | None = None,
) -> Solution:
    """Plan routes for `problem` within about `time_limit_s` seconds of search.

    Raises `InvalidProblemError` (a `ValueError`) for malformed input. Jobs that cannot
    be served are in `Solution.unassigned` with a reason; the rest are routed. `initial`
    (for example the current plan) warm-starts the search. `backend` supplies travel
    matrices (great-circle with a road factor by default). When the limit is too short
    for a first plan of the whole problem, the problem is solved in zones.
    """
    zones = 1 if initial is not None else zones_for_time(problem, time_limit_s)
    if zones > 1:
        return solve_zoned(
            problem,
            time_limit_s=time_limit_s,
            jobs_per_zone=math.ceil(len(problem.jobs) / zones),
            repair_share=0.0,
            options=options,
            backend=backend,
        )
    return solve_whole(
        problem, time_limit_s=time_limit_s, backend=backend, options=options, initial=initial
    )
