"""Generated Hà Nội-shaped problems, for tests, benchmarks and demos.

Sales points and recipients are scattered around the inner districts; shippers start at
a hub or at home, work an 8-to-18 shift, and carry 30 kg. Orders are pickups at a sales
point delivered to a recipient, with some deliveries from the hub mixed in.
"""

from __future__ import annotations

import random

from routing.problem import Delivery, Job, Location, PickupDelivery, Problem, TimeWindow, Vehicle

__all__ = ["hanoi_problem"]

CENTRE = Location(21.0285, 105.8542)
"""Hoàn Kiếm lake."""
SPREAD_DEG = 0.06
"""About 6-7 km around the centre: the inner districts."""
HOUR = 3600


def _near(rng: random.Random, centre: Location, spread: float) -> Location:
    return Location(
        round(centre.lat + rng.uniform(-spread, spread), 6),
        round(centre.lon + rng.uniform(-spread, spread), 6),
    )


def _window(rng: random.Random, tight: bool) -> TimeWindow | None:
    if not tight and rng.random() < 0.5:
        return None
    start = rng.randrange(8 * HOUR, 16 * HOUR, 900)
    return TimeWindow(start, start + (2 if tight else 4) * HOUR)


def hanoi_problem(
    orders: int = 200,
    sales_points: int = 20,
    shippers: int = 20,
    seed: int = 0,
    hub_share: float = 0.2,
    tight_windows: bool = False,
) -> Problem:
    """A reproducible problem; times are seconds after midnight (epoch = 00:00)."""
    rng = random.Random(seed)
    hub = _near(rng, CENTRE, SPREAD_DEG / 4)
    points = [_near(rng, CENTRE, SPREAD_DEG) for _ in range(sales_points)]
    vehicles = tuple(
        Vehicle(
            id=f"s{k}",
            start=hub if k % 2 == 0 else _near(rng, CENTRE, SPREAD_DEG),
            end=hub,
            shift=TimeWindow(8 * HOUR, 18 * HOUR),
            capacity_kg=30.0,
            capacity_parcels=25,
        )
        for k in range(shippers)
    )
    jobs: list[Job] = []
    for k in range(orders):
        weight = round(rng.uniform(0.2, 4.0), 1)
        recipient = _near(rng, CENTRE, SPREAD_DEG)
        if rng.random() < hub_share:
            window = _window(rng, tight_windows)
            jobs.append(Delivery(f"o{k}", recipient, weight, 1, window, 180))
            continue
        pickup = rng.choice(points)
        jobs.append(
            PickupDelivery(
                f"o{k}",
                pickup,
                recipient,
                weight,
                1,
                pickup_window=TimeWindow(8 * HOUR, 14 * HOUR),
                delivery_window=_window(rng, tight_windows),
                pickup_service_s=120,
                delivery_service_s=180,
                priority=1 if rng.random() < 0.1 else 0,
            )
        )
    return Problem(vehicles, tuple(jobs), epoch_time_of_day_s=0)
