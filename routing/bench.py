"""Benchmark CLI: `python -m routing.bench INSTANCE... --time-limit S --json [--bks F.csv]`.

Each instance (Solomon, Gehring & Homberger or Li & Lim file) is solved minimising total
Euclidean distance with at most the file's number of vehicles, and reported as one JSON
object per line. The distance is recomputed from the routes in unrounded arithmetic and
the routes are validated in unrounded arithmetic too; a route that breaks a rule is never
printed (the instance is then reported infeasible with no routes).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from routing.instances import Instance, read_instance, to_network
from routing.model import solve_network
from routing.search import SearchOptions
from routing.validate import check_routes, total_distance

__all__ = ["BenchResult", "load_bks", "main", "solve_instance"]

BKS_CONVENTIONS = ("distance_only_real", "hierarchical_real")


@dataclass(frozen=True)
class BenchResult:
    instance: str
    vehicles: int
    distance: float
    feasible: bool
    wall_s: float
    routes: tuple[tuple[int, ...], ...]
    violations: tuple[str, ...] = ()

    def to_json(self, bks: dict[str, float] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "instance": self.instance,
            "vehicles": self.vehicles,
            "distance": round(self.distance, 4),
            "feasible": self.feasible,
            "wall_s": round(self.wall_s, 3),
            "routes": [list(r) for r in self.routes],
        }
        best = (bks or {}).get(self.instance.lower())
        if bks is not None:
            gap = 100 * (self.distance - best) / best if best and self.feasible else None
            out["gap_pct"] = None if gap is None else round(gap, 3)
        return out


def solve_instance(
    inst: Instance, time_limit_s: float, options: SearchOptions | None = None
) -> BenchResult:
    """Solve one instance within about `time_limit_s` seconds (model building included)."""
    started = time.perf_counter()
    net = to_network(inst)
    build_s = time.perf_counter() - started
    # The model is built inside solve_network too; keep a margin for it and the checks.
    search_s = max(0.5, time_limit_s - 2 * build_s - 0.3)
    opts = replace(options or SearchOptions(), time_limit_s=search_s)
    result = solve_network(net, opts)
    exact = to_network(inst, exact=True)
    routes = tuple(r for r in result.routes if r)
    violations = tuple(check_routes(exact, routes))
    if violations:
        routes = ()
    feasible = not violations and not result.dropped and result.found
    return BenchResult(
        instance=inst.name,
        vehicles=len(routes),
        distance=total_distance(exact, routes),
        feasible=feasible,
        wall_s=time.perf_counter() - started,
        routes=routes,
        violations=violations,
    )


def load_bks(path: str | Path) -> dict[str, float]:
    """Best-known distance per instance (lower-case name): the smallest among the
    distance-only and hierarchical rows in unrounded Euclidean arithmetic."""
    best: dict[str, float] = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("convention") in BKS_CONVENTIONS:
                name, value = row["instance"].lower(), float(row["bks_distance"])
                best[name] = min(best.get(name, value), value)
    return best


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m routing.bench", description=__doc__)
    parser.add_argument("instances", nargs="+", type=Path, help="instance files")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--bks", type=Path, help="bks.csv to add gap_pct")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bks = load_bks(args.bks) if args.bks else None
    for path in args.instances:
        result = solve_instance(read_instance(path), args.time_limit)
        data = result.to_json(bks)
        if args.json:
            line = json.dumps(data)
        else:
            gap = data.get("gap_pct")
            line = (
                f"{data['instance']:<12} vehicles={data['vehicles']:<4} "
                f"distance={data['distance']:<12} feasible={data['feasible']} "
                f"wall={data['wall_s']}s" + ("" if gap is None else f" gap={gap}%")
            )
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
