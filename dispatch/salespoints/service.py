"""Registering sales points."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.enums import SalesPointKind
from dispatch.errors import ValidationFailed
from dispatch.geo import check_in_service_area
from dispatch.geocoding.base import Geocoder
from dispatch.geocoding.service import locate_address
from dispatch.phones import normalise_vn_phone
from dispatch.salespoints.models import SalesPoint


def create_sales_point(
    session: Session,
    *,
    name: str,
    address: str,
    lat: float | None,
    lon: float | None,
    kind: SalesPointKind = SalesPointKind.SAFE_FOOD_SHOP,
    district: str | None = None,
    ocop_stars: int | None = None,
    ocop_certificate: str | None = None,
    products: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    geocoder: Geocoder | None = None,
) -> SalesPoint:
    """Validate and add a sales point; without coordinates its address is geocoded."""
    if not name.strip():
        raise ValidationFailed.at("name", "a sales point needs a name")
    if not address.strip():
        raise ValidationFailed.at("address", "a sales point needs an address")
    if ocop_stars is not None and not 3 <= ocop_stars <= 5:
        raise ValidationFailed.at("ocop_stars", "OCOP ratings run from 3 to 5 stars")
    if (lat is None) != (lon is None):
        raise ValidationFailed.at(
            "lat" if lat is None else "lon", "give both lat and lon, or neither"
        )
    if lat is None or lon is None:
        found = locate_address(session, address, geocoder=geocoder, path="address")
        lat, lon, district = found.lat, found.lon, district or found.district
    check_in_service_area(lat, lon)
    phone = None
    if contact_phone:
        try:
            phone = normalise_vn_phone(contact_phone)
        except ValueError as exc:
            raise ValidationFailed.at("contact_phone", str(exc)) from exc
    sales_point = SalesPoint(
        name=name.strip(),
        address=address.strip(),
        lat=lat,
        lon=lon,
        kind=kind,
        district=district,
        ocop_stars=ocop_stars,
        ocop_certificate=ocop_certificate,
        products=products,
        contact_name=contact_name,
        contact_phone=phone,
        active=True,
    )
    session.add(sales_point)
    session.flush()
    return sales_point
