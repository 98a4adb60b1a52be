"""What every geocoder answers, and the interface they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from dispatch.enums import GeocodePrecision


@dataclass(frozen=True)
class Location:
    """Where an address was placed, and how precisely."""

    lat: float
    lon: float
    precision: GeocodePrecision
    district: str | None = None
    ward: str | None = None


class GeocoderUnavailable(Exception):
    """The geocoder could not answer now (network, quota); the caller may fall back."""


class Geocoder(Protocol):
    """Resolves a free-text address; ``None`` means it knows nothing about it."""

    name: str

    def locate(self, address: str) -> Location | None: ...
