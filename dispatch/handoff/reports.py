"""What the phone tells about an action (where, when) and what the server answers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dispatch.clock import utcnow
from dispatch.enums import OrderStatus
from dispatch.errors import ValidationFailed

# A queued offline action may arrive hours late; a phone clock far off is not believed.
CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_HORIZON = timedelta(hours=48)


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float

    @classmethod
    def of(cls, lat: float | None, lon: float | None) -> Position | None:
        """Both or neither; real WGS84 numbers."""
        if lat is None and lon is None:
            return None
        if lat is None or lon is None:
            raise ValidationFailed.at("lat" if lat is None else "lon", "give both lat and lon")
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise ValidationFailed.at("lat", "latitude is a number from -90 to 90")
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            raise ValidationFailed.at("lon", "longitude is a number from -180 to 180")
        return cls(lat, lon)


@dataclass(frozen=True)
class Report:
    """Where and when the phone says the action happened."""

    position: Position | None = None
    taken_at: datetime | None = None


@dataclass(frozen=True)
class ActionResult:
    order_id: int
    action: str
    status: OrderStatus
    at: datetime

    def to_json(self, action_id: str | None) -> dict[str, Any]:
        return {
            "action_id": action_id,
            "order_id": self.order_id,
            "action": self.action,
            "status": self.status.value,
            "at": self.at.isoformat(),
        }


def event_times(report: Report) -> dict[str, Any]:
    """The phone's own time of the action is kept as told, even when not believed."""
    return {"taken_at": report.taken_at.isoformat()} if report.taken_at else {}


def action_time(report: Report) -> datetime:
    """The phone's time of the action if plausible, else the time the server got it."""
    now = utcnow()
    taken = report.taken_at
    if taken is not None and now - OFFLINE_HORIZON <= taken <= now + CLOCK_SKEW:
        return min(taken, now)
    return now
