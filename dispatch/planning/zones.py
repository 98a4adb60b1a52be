"""Service zones: the parts of the city planned separately, each on its own schedule.

The city is one zone by default, the whole service area. A zone is a named lat/lon box;
an order belongs to the first zone whose box holds its delivery point. (The routing
engine's own partitioning of a large batch, ``routing.zones``, is a different thing: it
splits one run's problem so that workers solve the parts in parallel.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_

from dispatch.orders.models import Order
from dispatch.settings import get_settings

__all__ = ["ServiceZone", "service_zones", "zone_filter", "zone_names"]

DEFAULT_ZONE = "hanoi"


@dataclass(frozen=True)
class ServiceZone:
    name: str
    south: float
    west: float
    north: float
    east: float


def service_zones() -> tuple[ServiceZone, ...]:
    south, west, north, east = get_settings().service_area
    return (ServiceZone(DEFAULT_ZONE, south, west, north, east),)


def zone_names() -> tuple[str, ...]:
    return tuple(zone.name for zone in service_zones())


def zone_filter(name: str) -> ColumnElement[bool]:
    """A WHERE clause selecting the orders delivered inside the zone ``name``."""
    zone = next(z for z in service_zones() if z.name == name)
    return and_(Order.lat.between(zone.south, zone.north), Order.lon.between(zone.west, zone.east))
