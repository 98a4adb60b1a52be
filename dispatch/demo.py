"""``dispatch demo``: a realistic Hà Nội data set, seeded idempotently.

Running it again creates nothing already there: sales points are keyed on their names,
shippers on their phone numbers, staff on their usernames, health declarations on
(shipper, day) and orders on their ``external_ref`` (``DEMO-<local date>-<n>``, so a run
on a later day adds that day's orders). Only an API key is new at every run: keys are
stored hashed, so the demo can print one only by issuing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import dispatch.models  # noqa: F401  (every mapper, so the orders' foreign keys resolve)
from dispatch.actors import Actor
from dispatch.auth.api_keys import issue_key
from dispatch.clock import local_now, utcnow
from dispatch.demo_data import DemoData, load
from dispatch.demo_data.orders import DeliveryDay, delivery_day, order_specs
from dispatch.enums import ActorKind, UserRole
from dispatch.errors import Conflict
from dispatch.orders.intake import order_limits, order_values
from dispatch.orders.models import Order
from dispatch.orders.schemas import OrderCreate
from dispatch.orders.states import record_event
from dispatch.phones import national_format, normalise_vn_phone
from dispatch.salespoints.models import SalesPoint
from dispatch.salespoints.service import create_sales_point
from dispatch.settings import get_settings
from dispatch.shippers.models import HealthDeclaration, Shipper
from dispatch.shippers.service import create_shipper
from dispatch.users.models import User
from dispatch.users.service import create_user

__all__ = ["DEMO_PIN", "DEMO_STAFF", "ORDER_COUNT", "seed_demo"]

ORDER_COUNT = 320
DEMO_PIN = "2468"
DEMO_STAFF = {
    "dieuphoi": ("dieuphoi-demo", UserRole.DISPATCHER),
    "quantri": ("quantri-demo", UserRole.ADMIN),
}
KEY_LABEL = "demo"


@dataclass(frozen=True)
class Tally:
    what: str
    total: int
    created: int

    def line(self) -> str:
        return f"  {self.what:<34} {self.total:>4}  ({self.created} new)"


def seed_demo(session: Session) -> str:
    """Add whatever part of the demo data set is missing; return the report to print."""
    if get_settings().environment == "production":
        raise Conflict("the demo data set has well-known passwords; it is refused in production")
    data = load()
    now = local_now()
    sales_points, sp_tally = _sales_points(session, data)
    shippers, shipper_tally = _shippers(session, data)
    tallies = [
        sp_tally,
        shipper_tally,
        _declarations(session, shippers, day=now.date()),
        _staff(session),
    ]
    when = delivery_day(now)
    orders = _orders(session, data, sales_points, run_day=now.date(), when=when)
    key_owner = sales_points[data.sales_points[-1].name]
    api_key = issue_key(session, key_owner, label=KEY_LABEL).plaintext
    return _report(
        [*tallies, orders], when if orders.created else None, shippers[:2], key_owner, api_key
    )


def _sales_points(session: Session, data: DemoData) -> tuple[dict[str, SalesPoint], Tally]:
    names = [sp.name for sp in data.sales_points]
    found = {
        sp.name: sp for sp in session.scalars(select(SalesPoint).where(SalesPoint.name.in_(names)))
    }
    created = 0
    for spec in data.sales_points:
        if spec.name in found:
            continue
        found[spec.name] = create_sales_point(
            session,
            name=spec.name,
            address=spec.address,
            lat=spec.lat,
            lon=spec.lon,
            kind=spec.kind,
            district=spec.district,
            ocop_stars=spec.ocop_stars,
            ocop_certificate=spec.ocop_certificate,
            products=", ".join(p.name for p in spec.products),
            contact_name=spec.contact_name,
            contact_phone=spec.contact_phone,
        )
        created += 1
    return found, Tally("sales points", len(names), created)


def _shippers(session: Session, data: DemoData) -> tuple[list[Shipper], Tally]:
    phones = [normalise_vn_phone(s.phone) for s in data.shippers]
    found = {s.phone: s for s in session.scalars(select(Shipper).where(Shipper.phone.in_(phones)))}
    created = 0
    for phone, spec in zip(phones, data.shippers, strict=True):
        if phone in found:
            continue
        home = data.district(spec.district)
        found[phone] = create_shipper(
            session,
            name=spec.name,
            phone=phone,
            pin=DEMO_PIN,
            capacity_kg=spec.capacity_kg,
            capacity_parcels=spec.capacity_parcels,
            lat=home.lat,
            lon=home.lon,
        )
        created += 1
    return [found[phone] for phone in phones], Tally("shippers (on duty)", len(phones), created)


def _declarations(session: Session, shippers: Sequence[Shipper], *, day: date) -> Tally:
    """A passing 5K declaration for today, unless the shipper has declared already."""
    declared = set(
        session.scalars(
            select(HealthDeclaration.shipper_id).where(
                HealthDeclaration.day == day,
                HealthDeclaration.shipper_id.in_([s.id for s in shippers]),
            )
        )
    )
    missing = [s for s in shippers if s.id not in declared]
    for n, shipper in enumerate(missing):
        answers = {
            "temperature_c": 36.4 + (n % 5) / 10,
            "symptoms": [],
            "mask": True,
            "sanitizer": True,
        }
        session.add(
            HealthDeclaration(
                shipper=shipper,
                day=day,
                temperature_c=answers["temperature_c"],
                symptoms=[],
                mask=True,
                sanitizer=True,
                passed=True,
                failures=[],
                answers=answers,
            )
        )
    session.flush()
    return Tally(f"health declarations for {day:%d/%m}", len(shippers), len(missing))


def _staff(session: Session) -> Tally:
    existing = set(session.scalars(select(User.username).where(User.username.in_(DEMO_STAFF))))
    for username, (password, role) in DEMO_STAFF.items():
        if username not in existing:
            create_user(session, username=username, password=password, role=role)
    return Tally("staff users", len(DEMO_STAFF), len(set(DEMO_STAFF) - existing))


def _orders(
    session: Session,
    data: DemoData,
    sales_points: dict[str, SalesPoint],
    *,
    run_day: date,
    when: DeliveryDay,
) -> Tally:
    """The day's orders, checked and built by intake as if each sales point had sent them.

    They are added without intake's burst trigger: no planning run is queued from this
    command (the scheduler, or a dispatcher's POST /v1/plans, plans them).
    """
    prefix = f"DEMO-{run_day:%Y%m%d}-"
    existing = set(
        session.scalars(
            select(Order.external_ref).where(
                Order.external_ref.startswith(prefix, autoescape=True),
                Order.sales_point_id.in_([sp.id for sp in sales_points.values()]),
            )
        )
    )
    specs = order_specs(data, count=ORDER_COUNT, ref_prefix=prefix, when=when)
    missing = [spec for spec in specs if spec.external_ref not in existing]
    limits, now = order_limits(session), utcnow()
    for spec in missing:
        sales_point = sales_points[spec.sales_point]
        values = order_values(
            session,
            OrderCreate.model_validate(spec.body()),
            sales_point_id=sales_point.id,
            limits=limits,
            geocoder=None,
            now=now,
        )
        order = Order(**{**values, "district": spec.district, "ward": spec.ward})
        session.add(order)
        actor = Actor(ActorKind.SALES_POINT, sales_point.id)
        record_event(session, order, kind="created", actor=actor)
    session.flush()
    return Tally(f"pending orders for {when.day:%d/%m}", len(specs), len(missing))


def _report(
    tallies: list[Tally],
    when: DeliveryDay | None,
    shippers: Sequence[Shipper],
    key_owner: SalesPoint,
    api_key: str,
) -> str:
    lines = ["Demo data set for Hà Nội (nothing that exists is created twice):"]
    lines += [tally.line() for tally in tallies]
    if when is not None:
        lines.append(
            f"  the new orders' delivery windows lie within {when.earliest:%H:%M}-"
            f"{when.latest:%H:%M} on {when.day:%d/%m/%Y} ({when.earliest.tzinfo})"
        )
    lines += ["", "Demo sign-ins:"]
    for username, (password, role) in DEMO_STAFF.items():
        lines.append(f"  {role.value:<11} username {username:<14} password {password}")
    for shipper in shippers:
        phone = national_format(shipper.phone)
        lines.append(
            f"  {'shipper':<11} phone    {phone:<14} PIN      {DEMO_PIN}  ({shipper.name})"
        )
    lines += [
        f"  sales point API key for {key_owner.name} (id {key_owner.id}):",
        f"    {api_key}",
        f"    (a fresh key labelled {KEY_LABEL!r} at every run: keys are stored hashed;",
        "     earlier demo keys keep working)",
    ]
    return "\n".join(lines)
