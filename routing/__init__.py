"""Shipper Dispatch routing engine: a pure library that turns deliveries into routes.

    from routing import Problem, Vehicle, PickupDelivery, solve, validate
    solution = solve(problem, time_limit_s=15)
    assert validate(problem, solution) == []

Large batches: `routing.zones.split` / `merge` / `repair` (or `solve_zoned`). Benchmarks:
`python -m routing.bench`. See docs/routing.md.
"""

from routing.errors import (
    InstanceFormatError,
    InvalidProblemError,
    MatrixBackendError,
    RoutingError,
)
from routing.matrix import HaversineBackend, MatrixBackend, OsrmBackend, TravelMatrices
from routing.problem import (
    Delivery,
    Job,
    Location,
    LockedStop,
    PickupDelivery,
    Problem,
    StopKind,
    TimeWindow,
    Vehicle,
)
from routing.search import SearchOptions
from routing.solution import (
    Relaxation,
    RouteStop,
    Solution,
    Unassigned,
    UnassignedReason,
    VehicleRoute,
)
from routing.solve import solve
from routing.speed import MOTORBIKE_HANOI, Slowdown, SpeedProfile
from routing.verify import validate
from routing.zones import Zone, merge, repair, solve_zoned, split

__all__ = [
    "MOTORBIKE_HANOI",
    "Delivery",
    "HaversineBackend",
    "InstanceFormatError",
    "InvalidProblemError",
    "Job",
    "Location",
    "LockedStop",
    "MatrixBackend",
    "MatrixBackendError",
    "OsrmBackend",
    "PickupDelivery",
    "Problem",
    "Relaxation",
    "RouteStop",
    "RoutingError",
    "SearchOptions",
    "Slowdown",
    "Solution",
    "SpeedProfile",
    "StopKind",
    "TimeWindow",
    "TravelMatrices",
    "Unassigned",
    "UnassignedReason",
    "Vehicle",
    "VehicleRoute",
    "Zone",
    "merge",
    "repair",
    "solve",
    "solve_zoned",
    "split",
    "validate",
]
