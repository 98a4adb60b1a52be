"""The coordination office's registry: list, change and deactivate sales points; their keys.

Deactivating a sales point or revoking a key takes effect on the next request (401): the
key is checked against the database on every call, nothing is cached.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.api_keys import IssuedKey, issue_key
from dispatch.clock import utcnow
from dispatch.errors import NotFound, ValidationFailed
from dispatch.geo import check_in_service_area
from dispatch.geocoding.base import Geocoder
from dispatch.geocoding.service import locate_address
from dispatch.phones import normalise_vn_phone
from dispatch.salespoints.models import ApiKey, SalesPoint

EDITABLE = frozenset(
    {
        "name",
        "kind",
        "ocop_stars",
        "ocop_certificate",
        "products",
        "address",
        "district",
        "lat",
        "lon",
        "contact_name",
        "contact_phone",
        "active",
    }
)


def list_sales_points(session: Session, *, active: bool | None = None) -> list[SalesPoint]:
    query = select(SalesPoint).order_by(SalesPoint.id)
    if active is not None:
        query = query.where(SalesPoint.active.is_(active))
    return list(session.scalars(query))


def get_sales_point(session: Session, sales_point_id: int) -> SalesPoint:
    sales_point = session.get(SalesPoint, sales_point_id)
    if sales_point is None:
        raise NotFound(f"there is no sales point {sales_point_id}")
    return sales_point


def update_sales_point(
    session: Session,
    *,
    sales_point_id: int,
    changes: dict[str, Any],
    geocoder: Geocoder | None = None,
) -> SalesPoint:
    """Apply the given fields; a new address without coordinates is geocoded again."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed.at(sorted(unknown)[0], "this field cannot be changed")
    sales_point = get_sales_point(session, sales_point_id)
    changes = _checked(session, changes, geocoder)
    for field, value in changes.items():
        setattr(sales_point, field, value)
    session.flush()
    return sales_point


def _checked(
    session: Session, changes: dict[str, Any], geocoder: Geocoder | None
) -> dict[str, Any]:
    changes = dict(changes)
    if "name" in changes and not str(changes["name"] or "").strip():
        raise ValidationFailed.at("name", "a sales point needs a name")
    stars = changes.get("ocop_stars")
    if stars is not None and not 3 <= stars <= 5:
        raise ValidationFailed.at("ocop_stars", "OCOP ratings run from 3 to 5 stars")
    if changes.get("contact_phone"):
        try:
            changes["contact_phone"] = normalise_vn_phone(changes["contact_phone"])
        except ValueError as exc:
            raise ValidationFailed.at("contact_phone", str(exc)) from exc
    has_lat, has_lon = changes.get("lat") is not None, changes.get("lon") is not None
    if has_lat != has_lon:
        raise ValidationFailed.at("lon" if has_lat else "lat", "give both lat and lon together")
    if has_lat:
        check_in_service_area(changes["lat"], changes["lon"])
    elif changes.get("address"):
        found = locate_address(session, changes["address"], geocoder=geocoder, path="address")
        changes.update(lat=found.lat, lon=found.lon)
        changes.setdefault("district", found.district)
    return changes


def list_keys(session: Session, *, sales_point_id: int) -> list[ApiKey]:
    get_sales_point(session, sales_point_id)
    return list(
        session.scalars(
            select(ApiKey).where(ApiKey.sales_point_id == sales_point_id).order_by(ApiKey.id)
        )
    )


def issue_api_key(session: Session, *, sales_point_id: int, label: str | None) -> IssuedKey:
    """A new key; its plaintext is in the answer only, the database keeps its hash."""
    return issue_key(session, get_sales_point(session, sales_point_id), label=label)


def revoke_api_key(session: Session, *, sales_point_id: int, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or key.sales_point_id != sales_point_id:
        raise NotFound(f"sales point {sales_point_id} has no API key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key
