"""Time the great-circle matrix for 5,000 points (the issue asks for under 1 s).

python bench/routing_matrix.py [POINTS] [REPEATS]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time

from routing.matrix import HaversineBackend
from routing.problem import Location


def main(points: int = 5000, repeats: int = 5) -> None:
    rng = random.Random(0)
    locations = [
        Location(21.0 + rng.random() * 0.3, 105.7 + rng.random() * 0.3) for _ in range(points)
    ]
    backend = HaversineBackend()
    walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        backend.matrices(locations)
        walls.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "points": points,
                "min_s": round(min(walls), 3),
                "median_s": round(statistics.median(walls), 3),
                "max_s": round(max(walls), 3),
            }
        )
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
