"""Registering shippers."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.passwords import hash_secret
from dispatch.errors import Conflict, ValidationFailed
from dispatch.geo import check_in_service_area
from dispatch.phones import normalise_vn_phone
from dispatch.shippers.models import Shipper

PIN_PATTERN = re.compile(r"^\d{4,8}$")


def create_shipper(
    session: Session,
    *,
    name: str,
    phone: str,
    pin: str,
    capacity_kg: float = 30.0,
    capacity_parcels: int = 20,
    lat: float | None = None,
    lon: float | None = None,
) -> Shipper:
    """Add a shipper, on duty, with a hashed PIN; the phone number must be new."""
    if not name.strip():
        raise ValidationFailed.at("name", "a shipper needs a name")
    try:
        normalised = normalise_vn_phone(phone)
    except ValueError as exc:
        raise ValidationFailed.at("phone", str(exc)) from exc
    if not PIN_PATTERN.match(pin):
        raise ValidationFailed.at("pin", "a PIN is 4 to 8 digits")
    if not 0 < capacity_kg <= 500:
        raise ValidationFailed.at("capacity_kg", "capacity must be above 0 and at most 500 kg")
    if capacity_parcels < 1:
        raise ValidationFailed.at("capacity_parcels", "capacity must be at least one parcel")
    if (lat is None) != (lon is None):
        raise ValidationFailed.at("lat", "give both lat and lon, or neither")
    if lat is not None and lon is not None:
        check_in_service_area(lat, lon)
    if session.scalar(select(Shipper.id).where(Shipper.phone == normalised)) is not None:
        raise Conflict(f"a shipper with phone {normalised} already exists")
    shipper = Shipper(
        name=name.strip(),
        phone=normalised,
        pin_hash=hash_secret(pin),
        capacity_kg=capacity_kg,
        capacity_parcels=capacity_parcels,
        home_lat=lat,
        home_lon=lon,
        on_duty=True,
    )
    session.add(shipper)
    session.flush()
    return shipper
