"""What a routing problem is made of: locations, vehicles (shippers), jobs, locked stops.

Times are integer seconds from a planning epoch (the service converts its timezone-aware
datetimes); `Problem.epoch_time_of_day_s` says what time of day the epoch is, for the
rush-hour slowdowns. Weights are kilograms, distances metres. Every type converts to and
from plain dicts (`to_dict` / `from_dict`) so problems travel as JSON (Celery).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from routing.speed import MOTORBIKE_HANOI, SpeedProfile

__all__ = [
    "Delivery",
    "Job",
    "Location",
    "LockedStop",
    "PickupDelivery",
    "Problem",
    "StopKind",
    "TimeWindow",
    "Vehicle",
]


@dataclass(frozen=True)
class Location:
    """A WGS84 point."""

    lat: float
    lon: float

    def to_dict(self) -> list[float]:
        return [self.lat, self.lon]

    @classmethod
    def from_dict(cls, data: list[float]) -> Location:
        return cls(float(data[0]), float(data[1]))


@dataclass(frozen=True)
class TimeWindow:
    """Seconds from the planning epoch, both ends included."""

    start: int
    end: int

    def to_dict(self) -> list[int]:
        return [self.start, self.end]

    @classmethod
    def from_dict(cls, data: list[int] | None) -> TimeWindow | None:
        return None if data is None else cls(int(data[0]), int(data[1]))


OPEN_END = 10 * 24 * 3600
"""The latest time when neither a job nor any shift says otherwise."""


class StopKind(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


@dataclass(frozen=True)
class Vehicle:
    """A shipper and their vehicle. `end` defaults to `start`; `shift` bounds the whole
    route (leave the start no earlier than its start, be back by its end)."""

    id: str
    start: Location
    shift: TimeWindow
    capacity_kg: float
    capacity_parcels: int
    end: Location | None = None
    max_stops: int | None = None
    speed: SpeedProfile = MOTORBIKE_HANOI
    fixed_cost: int = 0
    """Cost of using this vehicle at all, in metres-equivalent (the objective's unit)."""

    @property
    def end_location(self) -> Location:
        return self.start if self.end is None else self.end


@dataclass(frozen=True)
class Delivery:
    """A parcel carried from the vehicle's start (the hub) to a recipient."""

    id: str
    location: Location
    weight_kg: float = 0.0
    parcels: int = 1
    window: TimeWindow | None = None
    service_s: int = 0
    priority: int = 0
    """Higher is more important to keep when not everything fits (0 = normal)."""


@dataclass(frozen=True)
class PickupDelivery:
    """A parcel picked up at a sales point and delivered to a recipient by the same
    vehicle, pickup first."""

    id: str
    pickup: Location
    delivery: Location
    weight_kg: float = 0.0
    parcels: int = 1
    pickup_window: TimeWindow | None = None
    delivery_window: TimeWindow | None = None
    pickup_service_s: int = 0
    delivery_service_s: int = 0
    priority: int = 0


Job = Delivery | PickupDelivery


@dataclass(frozen=True)
class LockedStop:
    """A stop already done or promised: the locked stops of a vehicle open its route, in
    the order given, and are never dropped."""

    job_id: str
    vehicle_id: str
    kind: StopKind = StopKind.DELIVERY


@dataclass(frozen=True)
class Problem:
    vehicles: tuple[Vehicle, ...]
    jobs: tuple[Job, ...]
    locked: tuple[LockedStop, ...] = ()
    epoch_time_of_day_s: int = 0
    """Local time of day (s after midnight) of the epoch, for rush-hour slowdowns."""
    day: TimeWindow | None = None
    """The planning day: what a job without a window means, and the span rush-hour
    slowdowns are read in. Defaults to the span of the vehicles' shifts."""

    @property
    def planning_day(self) -> TimeWindow:
        if self.day is not None:
            return self.day
        starts = [v.shift.start for v in self.vehicles]
        ends = [v.shift.end for v in self.vehicles]
        return TimeWindow(min(starts, default=0), max(ends, default=OPEN_END))

    def to_dict(self) -> dict[str, Any]:
        from routing.serialize import problem_to_dict

        return problem_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        from routing.serialize import problem_from_dict

        return problem_from_dict(data)
