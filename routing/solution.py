"""What the engine answers: ordered stops per vehicle with times and loads, and the jobs
left out with a reason. Times are seconds from the planning epoch."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from routing.problem import Location, StopKind

__all__ = [
    "Relaxation",
    "RouteStop",
    "Solution",
    "Unassigned",
    "UnassignedReason",
    "VehicleRoute",
]


class UnassignedReason(StrEnum):
    TOO_HEAVY = "too_heavy"
    """Heavier or bulkier than any vehicle can carry."""
    WINDOW_UNREACHABLE = "window_unreachable"
    """The window closes before any vehicle can get there."""
    OUTSIDE_SHIFTS = "outside_shifts"
    """No vehicle works during the window (or cannot be back before its shift ends)."""
    NO_VEHICLES = "no_vehicles"
    """The problem has no vehicle at all."""
    NO_ROOM = "no_room"
    """Possible on its own, but no room was found next to the other jobs."""


@dataclass(frozen=True)
class RouteStop:
    job_id: str
    kind: StopKind
    location: Location
    arrival_s: int
    wait_s: int
    """Waiting for the window to open; service starts at arrival_s + wait_s."""
    departure_s: int
    load_kg: float
    """On board after the stop."""
    load_parcels: int


@dataclass(frozen=True)
class VehicleRoute:
    vehicle_id: str
    stops: tuple[RouteStop, ...]
    start_s: int
    """When the vehicle leaves its start."""
    end_s: int
    """When it is back at its end."""
    distance_m: int
    start_load_kg: float = 0.0
    start_load_parcels: int = 0


@dataclass(frozen=True)
class Unassigned:
    job_id: str
    reason: UnassignedReason


@dataclass(frozen=True)
class Relaxation:
    """A rule a vehicle's locked stops break even on their earliest schedule, and the limit
    it was moved to so that what is promised stays in the plan (see routing.commitments).

    ``rule`` is ``window`` (of the locked stop ``job_id``/``kind``), ``shift_end``,
    ``capacity_kg``, ``capacity_parcels`` or ``max_stops``; ``limit`` is the problem's
    limit and ``needed`` what the locked stops need, in the problem's units (seconds from
    the epoch, kilograms, parcels, stops).
    """

    vehicle_id: str
    rule: str
    limit: float
    needed: float
    job_id: str | None = None
    kind: StopKind | None = None


@dataclass(frozen=True)
class Solution:
    routes: tuple[VehicleRoute, ...] = ()
    """One per vehicle of the problem, in the problem's order (possibly with no stops)."""
    unassigned: tuple[Unassigned, ...] = ()
    distance_m: int = 0
    stats: dict[str, float] = field(default_factory=dict)
    """Solver figures for logs (wall time, objective); not part of the plan."""
    relaxed: tuple[Relaxation, ...] = ()
    """Rules relaxed for locked stops that could no longer keep them (late, overloaded)."""

    def route_of(self, vehicle_id: str) -> VehicleRoute | None:
        return next((r for r in self.routes if r.vehicle_id == vehicle_id), None)

    def to_dict(self) -> dict[str, Any]:
        from routing.serialize import solution_to_dict

        return solution_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Solution:
        from routing.serialize import solution_from_dict

        return solution_from_dict(data)
