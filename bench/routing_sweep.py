"""Feasibility sweep: every benchmark instance of every family, at a limit by size.

    python bench/routing_sweep.py [--seconds-per-100 1.0] [--jobs 2] [--only solomon lilim/200]

Issue #3 asks for a feasible solution on every instance within the time limit plus 5 s.
Each instance is solved by `routing.bench.solve_instance` with one worker, `--jobs`
instances at a time, at `seconds-per-100` seconds per 100 customers. Prints one JSON
object per instance, then a markdown table per family and size: instances, feasible,
mean gap, and the largest wall time against the limit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from routing.bench import load_bks, solve_instance
from routing.instances import Instance, instances_dir, read_instance

GRACE_S = 5.0


def _groups(root: Path, only: list[str]) -> dict[str, list[Path]]:
    groups = {"solomon": sorted((root / "solomon").glob("*.txt"))}
    for family in ("homberger", "lilim"):
        for size_dir in sorted((root / family).iterdir()):
            groups[f"{family}/{size_dir.name}"] = sorted(size_dir.glob("*.txt"))
    return {k: v for k, v in groups.items() if not only or k in only}


def _run(args: tuple[str, Instance, float, dict[str, float]]) -> dict[str, Any]:
    group, inst, limit, bks = args
    data = solve_instance(inst, limit, workers=1, restarts=1).to_json(bks)
    data.pop("routes")
    return {"group": group, "limit_s": limit, **data}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds-per-100", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=[], help="e.g. solomon homberger/200")
    args = parser.parse_args(argv)
    root = instances_dir()
    bks = load_bks(root / "bks.csv")
    tasks = []
    for group, paths in _groups(root, args.only).items():
        for path in paths:
            inst = read_instance(path)
            limit = args.seconds_per_100 * max(1, round((inst.size - 1) / 100))
            tasks.append((group, inst, limit, bks))
    results: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        for data in pool.map(_run, tasks):
            results[data["group"]].append(data)
            print(json.dumps(data), flush=True)
    print(
        "\n| family | instances | feasible | limit s | max wall s | over limit + 5 s | mean gap % |"
    )
    print("|---|---|---|---|---|---|---|")
    for group, rows in results.items():
        gaps = [r["gap_pct"] for r in rows if r.get("gap_pct") is not None]
        over = sum(1 for r in rows if r["wall_s"] > r["limit_s"] + GRACE_S)
        print(
            f"| {group} | {len(rows)} | {sum(r['feasible'] for r in rows)} "
            f"| {rows[0]['limit_s']:g} | {max(r['wall_s'] for r in rows):.1f} | {over} "
            f"| {statistics.mean(gaps):.2f} |"
            if gaps
            else f"| {group} | {len(rows)} | 0 | - | - | - | - |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
