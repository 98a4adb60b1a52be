"""Request bodies a sales point sends: valid by default, override only what a test is about."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from dispatch.clock import local_now

_counter = itertools.count(1)


def order_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /v1/orders body with coordinates near Hoàn Kiếm and a window tomorrow."""
    n = next(_counter)
    tomorrow = (local_now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    body: dict[str, Any] = {
        "external_ref": f"LIVE-{n:05d}",
        "recipient": {
            "name": "Trần Thị Lan",
            "phone": "0912 345 678",
            "address": "12 Tràng Tiền, Hoàn Kiếm, Hà Nội",
            "lat": 21.0245,
            "lon": 105.8555,
        },
        "window": {"start": iso(tomorrow), "end": iso(tomorrow + timedelta(hours=3))},
        "parcels": 1,
        "weight_kg": 2.5,
        "items": [{"name": "Gạo ST25 túi 5kg", "quantity": 1, "ocop_code": "OCOP-HN-2021-031"}],
        "payment": {"method": "cod", "cod_amount_vnd": 185_000},
        "handoff": {"preference": "leave_at_gate", "note": "Để ở cổng, gọi trước"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


def without_coordinates(body: dict[str, Any], address: str) -> dict[str, Any]:
    recipient = {k: v for k, v in body["recipient"].items() if k not in ("lat", "lon")}
    return {**body, "recipient": {**recipient, "address": address}}


def iso(moment: datetime) -> str:
    return moment.isoformat()
