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
import math
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from routing.core import Network, Route
from routing.errors import InstanceFormatError
from routing.instances import Instance, read_instance, to_network
from routing.model import solve_network
from routing.search import SearchOptions
from routing.sectors import route_groups, sector_groups, share_fleet, sub_instance
from routing.validate import check_routes, total_distance

__all__ = ["BenchResult", "load_bks", "main", "regroup", "solve_instance"]

BKS_CONVENTIONS = ("distance_only_real", "hierarchical_real")
SECTOR_THRESHOLD = 300
"""Customers above which an instance is solved by sectors (measured in docs/routing.md)."""
REGROUP_SHARE = 0.4
"""Share of a sectored solve's time for re-solving route groups across the sector borders."""
REGROUP_CUSTOMERS = 125
"""Customers per route group in that pass."""
REGROUP_OFFSETS = (0.5, 0.0)
"""One pass per offset (a fraction of a group), sharing `REGROUP_SHARE` of the time: the
first straddles the sector borders, the second the first's."""
REGROUP_MIN_S = 1.0
"""Below this many seconds per group a pass is skipped: the search would not get past its
first solution."""
SECTOR_CUSTOMERS = 200
"""Customers per sector: where the local search still improves quickly."""
PAIRS_FIRST_SOLUTION = "LOCAL_CHEAPEST_INSERTION"
"""First-solution strategy for pickup-and-delivery instances. The iterated search rarely
leaves the structure of its first solution on long routes: lc203 at 5 s ends 8.6 % above
the best known from parallel cheapest insertion and 0.0 % from local cheapest insertion.
Measured at 10 s on ten long-route Li & Lim instances, 5.03 % against 2.64 %, and on
twelve short-route ones, 1.88 % against 1.94 %; on ten tight-window Solomon instances
parallel insertion stays better (1.20 % against 1.63 %), so it remains the default."""
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
"""Processes per instance: this machine's two cores (see `solve_instance`)."""

_T = TypeVar("_T")
Outcome = tuple[list[Route], list[int]]
"""Routes used (file numbering) and customers left out."""


def _build_estimate(inst: Instance) -> float:
    """Seconds kept for building models and checking, growing with the matrix size."""
    return 0.3 + 1.5e-6 * inst.size**2


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


def _solve_whole(inst: Instance, search_s: float, options: SearchOptions) -> Outcome:
    result = solve_network(to_network(inst), replace(options, time_limit_s=search_s))
    return [r for r in result.routes if r], list(result.dropped)


def _shuffled(inst: Instance, seed: int) -> tuple[int, ...]:
    """The customers in a seeded order (seed 0 keeps the file's order).

    OR-Tools' search has no seed of its own, but its trajectory depends on the node
    order, so restarts on shuffled copies end in different local optima (measured: the
    same 10 s search on lr209 ended 0.0 % and 5.9 % above the best known).
    """
    nodes = list(range(1, inst.size))
    if seed:
        random.Random(seed).shuffle(nodes)
    return tuple(nodes)


def _attempt(inst: Instance, seed: int, search_s: float, options: SearchOptions) -> Outcome:
    nodes = _shuffled(inst, seed)
    found, dropped = _solve_whole(sub_instance(inst, nodes, inst.vehicles), search_s, options)
    keep = (0, *nodes)
    return [tuple(keep[n] for n in r) for r in found], [keep[n] for n in dropped]


def _parallel(fn: Callable[..., _T], jobs: Sequence[tuple[Any, ...]], workers: int) -> list[_T]:
    """`fn(*job)` for every job, in up to `workers` processes, results in job order."""
    if workers <= 1 or len(jobs) <= 1:
        return [fn(*job) for job in jobs]
    # fork: the children need only the instance already in memory, and spawning would
    # spend a second of every instance's budget importing OR-Tools again.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
        futures = [pool.submit(fn, *job) for job in jobs]
        return [future.result() for future in futures]


def _best(exact: Network, outcomes: Sequence[Outcome]) -> Outcome:
    """Fewest customers left out, then valid before invalid, then shortest (`exact`: the
    instance in unrounded arithmetic)."""
    return min(
        outcomes,
        key=lambda o: (len(o[1]), bool(check_routes(exact, o[0])), total_distance(exact, o[0])),
    )


def _solve_restarts(
    inst: Instance,
    exact: Network,
    search_s: float,
    options: SearchOptions,
    workers: int,
    restarts: int,
) -> Outcome:
    """`workers * restarts` searches on shuffled copies, `restarts` after one another in
    each process; the best one wins."""
    share = search_s / restarts
    jobs = [(inst, seed, share, options) for seed in range(workers * restarts)]
    return _best(exact, _parallel(_attempt, jobs, workers))


def _resolve_group(
    inst: Instance, routes: list[Route], search_s: float, options: SearchOptions
) -> list[Route]:
    """The customers of `routes` solved afresh on as many vehicles; the old routes come back
    unless the new ones serve everyone for less."""
    keep = (0, *sorted(n for r in routes for n in r))
    index = {n: i for i, n in enumerate(keep)}
    sub = sub_instance(inst, keep[1:], len(routes))
    found, dropped = _solve_whole(sub, search_s, options)
    exact = to_network(sub, exact=True)
    before = [tuple(index[n] for n in r) for r in routes]
    if (
        dropped
        or check_routes(exact, found)
        or total_distance(exact, found) >= total_distance(exact, before)
    ):
        return routes
    return [tuple(keep[n] for n in r) for r in found]


def _group_count(customers: int, workers: int) -> int:
    """Route groups of about `REGROUP_CUSTOMERS`, a multiple of the workers."""
    return workers * max(1, round(math.ceil(customers / REGROUP_CUSTOMERS) / workers))


def _group_s(groups: int, pass_s: float, workers: int) -> float:
    """Seconds each of `groups` gets when a pass of `pass_s` runs them in `workers`
    processes."""
    return pass_s * 0.95 / math.ceil(groups / workers)


def _regroups(customers: int, search_s: float, workers: int) -> bool:
    """Whether the route-group passes would get `REGROUP_MIN_S` per group; when not, the
    sectors get all the time."""
    pass_s = search_s * REGROUP_SHARE / len(REGROUP_OFFSETS)
    groups = _group_count(customers, workers)
    return REGROUP_SHARE > 0 and _group_s(groups, pass_s, workers) >= REGROUP_MIN_S


def regroup(
    inst: Instance,
    routes: Sequence[Route],
    search_s: float,
    options: SearchOptions,
    workers: int,
    offset: float,
) -> list[Route]:
    """`routes` grouped by angle (`route_groups`, `offset` a fraction of a group), each
    group's customers solved afresh on as many vehicles in `workers` processes within about
    `search_s` seconds in all; a group keeps its old routes unless the new ones serve
    everyone for less, so the plan never gets longer. With the offset moving the cuts, the
    groups straddle the sector borders: what the sectors could not do across them."""
    groups = route_groups(inst, routes, _group_count(sum(map(len, routes)), workers), offset)
    group_s = _group_s(len(groups), search_s, workers)
    if group_s < REGROUP_MIN_S:
        return list(routes)
    jobs = [(inst, [routes[k] for k in g], group_s, options) for g in groups]
    return [r for part in _parallel(_resolve_group, jobs, workers) for r in part]


def _solve_sectors(
    inst: Instance, search_s: float, options: SearchOptions, workers: int
) -> Outcome:
    """Sectors solved in `workers` processes; whatever they left out goes on the spare
    vehicles; then route groups straddling the sector borders are re-solved (`regroup`,
    with `REGROUP_SHARE` of the time)."""
    count = math.ceil((inst.size - 1) / SECTOR_CUSTOMERS)
    # A multiple of the workers, so that no process idles in the last round.
    count = workers * max(1, round(count / workers))
    groups = sector_groups(inst, count)
    rounds = math.ceil(len(groups) / workers)
    regroup_s = search_s * REGROUP_SHARE if _regroups(inst.size - 1, search_s, workers) else 0.0
    share = (search_s - regroup_s) * 0.95 / rounds
    jobs = [
        (sub_instance(inst, nodes, fleet), share, options)
        for nodes, fleet in zip(groups, share_fleet(inst, groups), strict=True)
    ]
    by_sector: list[list[Route]] = []
    dropped: list[int] = []
    for nodes, (part, left) in zip(groups, _parallel(_solve_whole, jobs, workers), strict=True):
        keep = (0, *nodes)
        by_sector.append([tuple(keep[n] for n in r) for r in part])
        dropped += [keep[n] for n in left]
    routes = [r for part in by_sector for r in part]
    spare = inst.vehicles - len(routes)
    if dropped and spare > 0:
        keep = (0, *sorted(dropped))
        part, left = _solve_whole(
            sub_instance(inst, keep[1:], spare), max(0.5, search_s * 0.05), options
        )
        routes += [tuple(keep[n] for n in r) for r in part]
        dropped = [keep[n] for n in left]
    if regroup_s > 0 and not dropped:
        for offset in REGROUP_OFFSETS:
            routes = regroup(
                inst, routes, regroup_s / len(REGROUP_OFFSETS), options, workers, offset
            )
    return routes, dropped


def solve_instance(
    inst: Instance,
    time_limit_s: float,
    options: SearchOptions | None = None,
    *,
    workers: int = DEFAULT_WORKERS,
    restarts: int = 2,
) -> BenchResult:
    """Solve one instance within about `time_limit_s` seconds (model building included),
    using up to `workers` processes.

    Up to `SECTOR_THRESHOLD` customers, `workers * restarts` searches run on shuffled
    copies of the instance and the best is kept; above it the instance is solved by
    sectors (`routing.sectors`), the sectors shared among the workers. Without `options`,
    pickup-and-delivery instances start from `PAIRS_FIRST_SOLUTION`.
    """
    started = time.perf_counter()
    opts = options or SearchOptions()
    if options is None and inst.pairs:
        opts = replace(opts, first_solution=PAIRS_FIRST_SOLUTION)
    build_s = _build_estimate(inst)
    search_s = max(0.5, time_limit_s - build_s)
    exact = to_network(inst, exact=True)
    if inst.size - 1 > SECTOR_THRESHOLD:
        found, dropped = _solve_sectors(inst, search_s, opts, workers)
    else:
        found, dropped = _solve_restarts(inst, exact, search_s, opts, workers, max(1, restarts))
    routes = tuple(found)
    violations = tuple(check_routes(exact, routes))
    if violations:
        routes = ()
    feasible = not violations and not dropped
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
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"processes per instance (default {DEFAULT_WORKERS}: this machine's cores, up to 2)",
    )
    parser.add_argument(
        "--restarts", type=int, default=2, help="searches one after another in each process"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bks = load_bks(args.bks) if args.bks else None
    failed = 0
    for path in args.instances:
        try:
            inst = read_instance(path)
        except (OSError, InstanceFormatError) as exc:
            # One unreadable file should not cost the rest of a long run.
            sys.stderr.write(f"{path}: {exc}\n")
            failed += 1
            continue
        result = solve_instance(
            inst, args.time_limit, workers=max(1, args.workers), restarts=max(1, args.restarts)
        )
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
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
