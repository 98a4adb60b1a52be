"""Typed builders for small routing problems: `make_problem(make_delivery("a"), ...)`."""

from __future__ import annotations

from routing.problem import Delivery, Location, PickupDelivery, Problem, TimeWindow, Vehicle

HUB = Location(21.0285, 105.8542)
"""Hoàn Kiếm lake."""
HOUR = 3600


def make_vehicle(vid: str = "v1", **overrides: object) -> Vehicle:
    fields: dict[str, object] = {
        "id": vid,
        "start": HUB,
        "shift": TimeWindow(8 * HOUR, 18 * HOUR),
        "capacity_kg": 30.0,
        "capacity_parcels": 20,
    }
    fields.update(overrides)
    return Vehicle(**fields)  # type: ignore[arg-type]


def make_delivery(jid: str, dlat: float = 0.01, dlon: float = 0.0, **overrides: object) -> Delivery:
    fields: dict[str, object] = {
        "id": jid,
        "location": Location(HUB.lat + dlat, HUB.lon + dlon),
        "weight_kg": 1.0,
        "service_s": 120,
    }
    fields.update(overrides)
    return Delivery(**fields)  # type: ignore[arg-type]


def make_pair(
    jid: str, dlat: float = 0.01, dlon: float = 0.01, **overrides: object
) -> PickupDelivery:
    fields: dict[str, object] = {
        "id": jid,
        "pickup": Location(HUB.lat - dlat, HUB.lon + dlon),
        "delivery": Location(HUB.lat + dlat, HUB.lon - dlon),
        "weight_kg": 2.0,
        "pickup_service_s": 60,
        "delivery_service_s": 120,
    }
    fields.update(overrides)
    return PickupDelivery(**fields)  # type: ignore[arg-type]


def make_problem(
    *jobs: Delivery | PickupDelivery, vehicles: int = 2, **overrides: object
) -> Problem:
    fleet = tuple(make_vehicle(f"v{k}") for k in range(vehicles))
    fields: dict[str, object] = {"vehicles": fleet, "jobs": jobs}
    fields.update(overrides)
    return Problem(**fields)  # type: ignore[arg-type]
