"""Checks on WGS84 coordinates against the configured service area."""

from __future__ import annotations

import math

from dispatch.errors import FieldError, ValidationFailed
from dispatch.settings import get_settings


def check_in_service_area(lat: float, lon: float, *, path: str = "") -> None:
    """Raise ValidationFailed (naming ``path.lat``/``path.lon``) if the point is outside."""
    prefix = f"{path}." if path else ""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValidationFailed.at(f"{prefix}lat", "coordinates must be finite numbers")
    area = get_settings().service_area
    if not area.contains(lat, lon):
        south, west, north, east = area
        message = (
            f"({lat}, {lon}) is outside the service area (lat {south}..{north}, lon {west}..{east})"
        )
        raise ValidationFailed(
            message,
            fields=[FieldError(f"{prefix}lat", message), FieldError(f"{prefix}lon", message)],
        )
