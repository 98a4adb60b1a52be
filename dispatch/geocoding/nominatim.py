"""OpenStreetMap's Nominatim through geopy, at most one request a second as its policy asks.

The rate limit holds per process: with several API processes, prefer the offline geocoder
or a self-hosted Nominatim (``domain``). Answers are cached in the database by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from dispatch.enums import GeocodePrecision
from dispatch.geocoding.base import GeocoderUnavailable, Location
from dispatch.settings import ServiceArea

# Nominatim's place_rank: 26+ a street or a house, 16-25 a ward or a quarter, 12-15 a
# district; anything coarser (the city itself) places nothing useful for a delivery.
_RANKS = (
    (26, GeocodePrecision.ADDRESS),
    (16, GeocodePrecision.WARD),
    (12, GeocodePrecision.DISTRICT),
)


class NominatimGeocoder:
    name = "nominatim"

    def __init__(
        self,
        *,
        user_agent: str,
        area: ServiceArea,
        domain: str = "nominatim.openstreetmap.org",
        adapter_factory: Callable[..., BaseSyncAdapter] | None = None,
        min_delay_seconds: float = 1.0,
        timeout_s: float = 5.0,
    ) -> None:
        client = Nominatim(
            user_agent=user_agent, domain=domain, timeout=timeout_s, adapter_factory=adapter_factory
        )
        south, west, north, east = area
        self._viewbox = ((south, west), (north, east))
        # Errors are ours to handle (fall back to the gazetteer), not the limiter's to retry.
        self._geocode = RateLimiter(
            client.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )

    def locate(self, address: str) -> Location | None:
        try:
            found = self._geocode(
                address,
                addressdetails=True,
                country_codes="vn",
                viewbox=self._viewbox,
                bounded=True,
            )
        except GeopyError as exc:
            raise GeocoderUnavailable(f"Nominatim did not answer: {exc}") from exc
        if found is None:
            return None
        return _location(found.latitude, found.longitude, found.raw)


def _location(lat: float, lon: float, raw: dict[str, Any]) -> Location | None:
    rank = int(raw.get("place_rank", 0))
    precision = next((p for floor, p in _RANKS if rank >= floor), None)
    if precision is None:
        return None
    parts = raw.get("address", {})
    district = parts.get("city_district") or parts.get("county") or parts.get("suburb")
    ward = parts.get("quarter") or parts.get("neighbourhood")
    return Location(lat, lon, precision, district=district, ward=ward)
