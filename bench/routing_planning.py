"""Planning-sized problems: quality of a quick plan, and what splitting into zones costs.

    python bench/routing_planning.py quick      # a few hundred orders, 2 s plans
    python bench/routing_planning.py zones      # whole vs zoned on larger batches

Prints one JSON object per run. Times are wall-clock on whatever machine runs it.
"""

from __future__ import annotations

import json
import sys
import time

from routing import solve, validate
from routing.solve import zones_for_time
from routing.synthetic import hanoi_problem
from routing.zones import solve_zoned


def quick(seeds: range = range(3)) -> None:
    for orders, points, shippers in [(200, 20, 15), (300, 30, 25), (500, 40, 40)]:
        for seed in seeds:
            problem = hanoi_problem(orders, points, shippers, seed=seed)
            started = time.perf_counter()
            plan = solve(problem, time_limit_s=2.0)
            wall = time.perf_counter() - started
            longer = solve(problem, time_limit_s=15.0)
            print(
                json.dumps(
                    {
                        "orders": orders,
                        "seed": seed,
                        "wall_s": round(wall, 2),
                        "zones": zones_for_time(problem, 2.0),
                        "unassigned": len(plan.unassigned),
                        "km_2s": plan.distance_m / 1000,
                        "km_15s": longer.distance_m / 1000,
                        "unassigned_15s": len(longer.unassigned),
                        "valid": validate(problem, plan) == [],
                    }
                ),
                flush=True,
            )


def zones(seeds: range = range(1)) -> None:
    for orders, shippers in [(1000, 80)]:
        for seed in seeds:
            problem = hanoi_problem(orders, 60, shippers, seed=seed)
            limit = 60.0
            whole = solve(problem, time_limit_s=limit)
            zoned = solve_zoned(problem, time_limit_s=limit, workers=1)
            print(
                json.dumps(
                    {
                        "orders": orders,
                        "seed": seed,
                        "limit_s": limit,
                        "whole_km": whole.distance_m / 1000,
                        "whole_unassigned": len(whole.unassigned),
                        "zoned_km": zoned.distance_m / 1000,
                        "zoned_unassigned": len(zoned.unassigned),
                        "zoned_valid": validate(problem, zoned) == [],
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    {"quick": quick, "zones": zones}[sys.argv[1] if len(sys.argv) > 1 else "quick"]()
