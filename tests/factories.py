"""Typed helpers that build valid domain objects; override only what a test is about."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dispatch.actors import SYSTEM
from dispatch.auth.api_keys import issue_key
from dispatch.auth.principal import Principal, Role
from dispatch.auth.tokens import issue_token
from dispatch.clock import local_today, utcnow
from dispatch.enums import GeocodePrecision, OrderStatus, SalesPointKind, StopKind, UserRole
from dispatch.orders.models import Order
from dispatch.orders.states import transition
from dispatch.planning.models import Route, Stop
from dispatch.salespoints.models import SalesPoint
from dispatch.salespoints.service import create_sales_point
from dispatch.shippers.models import HealthDeclaration, Shipper
from dispatch.shippers.service import create_shipper
from dispatch.users.models import User
from dispatch.users.service import create_user

_counter = itertools.count(1)

# Hoàn Kiếm lake, the centre every default is placed around.
HOAN_KIEM = (21.0285, 105.8542)


def _n() -> int:
    return next(_counter)


def make_sales_point(session: Session, **overrides: Any) -> SalesPoint:
    fields: dict[str, Any] = {
        "name": f"HTX Rau sạch Văn Đức {_n()}",
        "address": "Thôn Văn Đức, Gia Lâm, Hà Nội",
        "lat": 21.0245,
        "lon": 105.9120,
        "kind": SalesPointKind.COOPERATIVE,
        "district": "Gia Lâm",
    }
    fields.update(overrides)
    return create_sales_point(session, **fields)


def make_api_key(session: Session, sales_point: SalesPoint | None = None) -> str:
    """A fresh key's plaintext for ``sales_point`` (a new one when not given)."""
    return issue_key(session, sales_point or make_sales_point(session)).plaintext


def make_shipper(session: Session, **overrides: Any) -> Shipper:
    fields: dict[str, Any] = {
        "name": f"Nguyễn Văn Shipper {_n()}",
        "phone": f"091{_n() % 10_000_000:07d}",
        "pin": "1234",
        "lat": HOAN_KIEM[0],
        "lon": HOAN_KIEM[1],
    }
    fields.update(overrides)
    return create_shipper(session, **fields)


def make_user(session: Session, **overrides: Any) -> User:
    fields: dict[str, Any] = {
        "username": f"dispatcher{_n()}",
        "password": "correct-horse-battery",
        "role": UserRole.DISPATCHER,
    }
    fields.update(overrides)
    return create_user(session, **fields)


def make_declaration(
    session: Session, shipper: Shipper, *, passed: bool = True, day: date | None = None
) -> HealthDeclaration:
    declaration = HealthDeclaration(
        shipper=shipper,
        day=day or local_today(),
        temperature_c=36.6 if passed else 38.4,
        symptoms=[] if passed else ["fever"],
        mask=True,
        sanitizer=True,
        passed=passed,
        failures=[] if passed else ["temperature", "symptoms"],
    )
    session.add(declaration)
    session.flush()
    return declaration


def make_order(session: Session, sales_point: SalesPoint | None = None, **overrides: Any) -> Order:
    """A pending order stored directly (intake validation has its own tests)."""
    n = _n()
    fields: dict[str, Any] = {
        "sales_point": sales_point or make_sales_point(session),
        "external_ref": f"ORD-{n}",
        "status": OrderStatus.PENDING,
        "recipient_name": "Trần Thị Lan",
        "recipient_phone": "+84912345678",
        "address": "12 Tràng Tiền, Hoàn Kiếm, Hà Nội",
        "district": "Hoàn Kiếm",
        "lat": HOAN_KIEM[0] + (n % 7) * 0.002,
        "lon": HOAN_KIEM[1] + (n % 5) * 0.002,
        "geocode_precision": GeocodePrecision.GIVEN,
        "parcels": 1,
        "weight_kg": 2.0,
        "items": [{"name": "Gạo ST25", "quantity": 1}],
        "tracking_token": secrets.token_urlsafe(16),
        "handoff_code": f"{secrets.randbelow(1_000_000):06d}",
    }
    fields.update(overrides)
    order = Order(**fields)
    session.add(order)
    session.flush()
    return order


def bearer(principal_or_key: Principal | str) -> dict[str, str]:
    """Authorization headers for an API key or for a signed-in principal."""
    token = principal_or_key if isinstance(principal_or_key, str) else issue_token(principal_or_key)
    return {"Authorization": f"Bearer {token}"}


def staff_headers(user: User) -> dict[str, str]:
    return bearer(Principal(role=Role(user.role.value), id=user.id, name=user.username))


def shipper_headers(shipper: Shipper) -> dict[str, str]:
    return bearer(Principal(role=Role.SHIPPER, id=shipper.id, name=shipper.name))


def local_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    from dispatch.clock import local_tz

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_tz())


def make_route(
    session: Session,
    shipper: Shipper,
    orders: list[Order],
    *,
    start: datetime | None = None,
    minutes_per_stop: int = 10,
    distance_m: int = 12_000,
) -> Route:
    """A planned route: a pickup per order at its sales point, then the deliveries, with
    ETAs ``minutes_per_stop`` apart; the orders become assigned through the state machine."""
    route = Route(shipper_id=shipper.id, distance_m=distance_m)
    legs = [(StopKind.PICKUP, o, o.sales_point.lat, o.sales_point.lon) for o in orders]
    legs += [(StopKind.DELIVERY, o, o.lat, o.lon) for o in orders]
    first = start or utcnow()
    for sequence, (kind, order, lat, lon) in enumerate(legs, start=1):
        eta = first + timedelta(minutes=minutes_per_stop * sequence)
        route.stops.append(
            Stop(order=order, kind=kind, sequence=sequence, lat=lat, lon=lon, planned_arrival=eta)
        )
    session.add(route)
    for order in orders:
        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM, reason="test_route")
    session.flush()
    return route


def make_planned_route(
    session: Session,
    shipper: Shipper,
    orders: list[Order],
    *,
    now: datetime,
    locked: bool = False,
) -> Route:
    """A route serving ``orders`` in turn (each pickup, then its delivery), with the ETAs
    routing's own schedule gives from ``now``, so routing's validator accepts it when the
    orders fit; the orders become assigned through the state machine."""
    from dispatch.rebalancing.plan import build_plan, write_schedule

    route = Route(shipper=shipper, locked=locked, distance_m=0)
    session.add(route)
    session.flush()
    plan = build_plan(session, route, now=now, extra=orders)
    kinds = (StopKind.PICKUP, StopKind.DELIVERY)
    write_schedule(session, plan, [plan.node_of[(o.id, k)] for o in orders for k in kinds])
    for order in orders:
        transition(session, order, OrderStatus.ASSIGNED, actor=SYSTEM, reason="planned")
    session.flush()
    return route
