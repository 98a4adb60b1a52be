"""Summarise `python -m routing.bench --json --bks ...` output files as a markdown table.

    python bench/routing_summary.py /tmp/solomon.jsonl /tmp/lilim100.jsonl ...

One row per file: instances, feasible count, mean and max gap, max wall time.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def row(path: Path) -> str:
    results = [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]
    gaps = [r["gap_pct"] for r in results if r.get("gap_pct") is not None]
    feasible = sum(1 for r in results if r["feasible"])
    mean = f"{statistics.mean(gaps):.2f}" if gaps else "-"
    worst = f"{max(gaps):.2f}" if gaps else "-"
    wall = max((r["wall_s"] for r in results), default=0.0)
    return f"| {path.stem} | {len(results)} | {feasible} | {mean} | {worst} | {wall:.1f} |"


def main(argv: list[str]) -> int:
    print("| run | instances | feasible | mean gap % | max gap % | max wall s |")
    print("|---|---|---|---|---|---|")
    for name in argv:
        print(row(Path(name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
