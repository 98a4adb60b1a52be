"""Placing an address: the configured geocoder, its database cache and the offline fallback."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.enums import GeocodePrecision
from dispatch.errors import ValidationFailed
from dispatch.geocoding.base import Geocoder, GeocoderUnavailable, Location
from dispatch.geocoding.gazetteer import OfflineGeocoder
from dispatch.geocoding.models import GeocodeCacheEntry
from dispatch.settings import get_settings

UNPLACED_MESSAGE = (
    "we could not place this address in Hà Nội; add the recipient's coordinates "
    "(lat, lon) or write the district (quận/huyện) and ward (phường) in the address"
)


@lru_cache(maxsize=1)
def configured_geocoder() -> Geocoder:
    """The geocoder ``DISPATCH_GEOCODER`` names (offline unless told otherwise)."""
    settings = get_settings()
    if settings.geocoder == "nominatim":
        from dispatch.geocoding.nominatim import NominatimGeocoder

        return NominatimGeocoder(
            user_agent=settings.nominatim_user_agent, area=settings.service_area
        )
    return OfflineGeocoder()


def locate_address(
    session: Session, address: str, *, geocoder: Geocoder | None = None, path: str = "address"
) -> Location:
    """Where ``address`` is; ValidationFailed at ``path`` when nothing places it in the area."""
    geocoder = geocoder or configured_geocoder()
    location = _cached_locate(session, geocoder, address)
    if location is None and geocoder.name != OfflineGeocoder.name:
        location = OfflineGeocoder().locate(address)
    if location is None:
        raise ValidationFailed.at(path, UNPLACED_MESSAGE)
    if not get_settings().service_area.contains(location.lat, location.lon):
        raise ValidationFailed.at(path, "this address lies outside the service area (Hà Nội)")
    return location


def _cached_locate(session: Session, geocoder: Geocoder, address: str) -> Location | None:
    """The offline gazetteer is its own cache; a web geocoder is asked once per address."""
    if geocoder.name == OfflineGeocoder.name:
        return geocoder.locate(address)
    query = " ".join(address.casefold().split())[:500]
    entry = session.scalars(
        select(GeocodeCacheEntry)
        .where(GeocodeCacheEntry.provider == geocoder.name, GeocodeCacheEntry.query == query)
        .limit(1)
    ).first()
    if entry is not None:
        return _from_entry(entry)
    try:
        location = geocoder.locate(address)
    except GeocoderUnavailable:
        return None  # not cached: the next order asks again
    session.add(_to_entry(geocoder.name, query, location))
    session.flush()
    return location


def _from_entry(entry: GeocodeCacheEntry) -> Location | None:
    if entry.lat is None or entry.lon is None or entry.precision is None:
        return None  # a cached miss
    return Location(
        entry.lat, entry.lon, GeocodePrecision(entry.precision), entry.district, entry.ward
    )


def _to_entry(provider: str, query: str, location: Location | None) -> GeocodeCacheEntry:
    if location is None:
        return GeocodeCacheEntry(provider=provider, query=query)
    return GeocodeCacheEntry(
        provider=provider,
        query=query,
        lat=location.lat,
        lon=location.lon,
        precision=location.precision.value,
        district=location.district,
        ward=location.ward,
    )
