"""Summarise `python -m routing.bench --json --bks ...` output files as markdown tables.

    python bench/routing_summary.py /tmp/solomon.jsonl /tmp/lilim100.jsonl ...

One row per file (instances, feasible count, mean gap, the mean with negative gaps counted
as 0, median, max gap, max wall time), then the mean / max gap per instance class (C1, R2,
LRC1, ...) of every file.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def _results(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def _gaps(results: list[dict[str, Any]]) -> list[float]:
    return [r["gap_pct"] for r in results if r.get("gap_pct") is not None]


def row(path: Path) -> str:
    results = _results(path)
    gaps = _gaps(results)
    feasible = sum(1 for r in results if r["feasible"])
    wall = max((r["wall_s"] for r in results), default=0.0)
    if not gaps:
        return f"| {path.stem} | {len(results)} | {feasible} | - | - | - | - | {wall:.1f} |"
    clipped = statistics.mean(max(0.0, g) for g in gaps)
    return (
        f"| {path.stem} | {len(results)} | {feasible} | {statistics.mean(gaps):.2f} "
        f"| {clipped:.2f} | {statistics.median(gaps):.2f} | {max(gaps):.2f} | {wall:.1f} |"
    )


def instance_class(name: str) -> str:
    """`R101` -> R1, `rc2_10_6` -> RC2, `lrc104` -> LRC1."""
    match = re.match(r"([a-z]+)(\d)", name.lower())
    return match.group(1).upper() + match.group(2) if match else name


def classes(path: Path) -> str:
    by_class: dict[str, list[float]] = defaultdict(list)
    for result in _results(path):
        if result.get("gap_pct") is not None:
            by_class[instance_class(result["instance"])].append(result["gap_pct"])
    cells = [f"{k} {statistics.mean(v):.2f} / {max(v):.2f}" for k, v in sorted(by_class.items())]
    return f"| {path.stem} | " + " | ".join(cells) + " |"


def main(argv: list[str]) -> int:
    paths = [Path(name) for name in argv]
    print(
        "| run | instances | feasible | mean gap % | clipped mean % | median % | max gap % "
        "| max wall s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        print(row(path))
    print("\nMean / max gap % by class:\n")
    for path in paths:
        print(classes(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
