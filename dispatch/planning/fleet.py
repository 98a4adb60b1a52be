"""The shippers a run may plan for, and the work they already have.

A shipper is cleared for planning when on duty, with a passing health declaration for
today's local date, with a shift that has not ended (or is about to), and without a
locked route (a dispatcher froze it: a run leaves it and its shipper alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from dispatch.enums import RouteStatus, StopStatus
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from dispatch.shippers.models import HealthDeclaration, Shipper

__all__ = ["ACTIVE_ROUTE", "MIN_SHIFT_LEFT", "ShipperWork", "cleared_shippers", "shift_bounds"]

ACTIVE_ROUTE = (RouteStatus.PLANNED, RouteStatus.IN_PROGRESS)
MIN_SHIFT_LEFT = timedelta(minutes=30)
"""A shipper whose shift ends sooner than this gets no new work."""


@dataclass(frozen=True)
class ShipperWork:
    """A cleared shipper, their active route (if any) and its stops still to do, in order."""

    shipper: Shipper
    route: Route | None
    remaining: tuple[Stop, ...]


def shift_bounds(shipper: Shipper, day: date, tz: object) -> tuple[datetime, datetime]:
    """The shipper's shift on ``day`` as aware datetimes (an overnight shift ends next day)."""
    start = datetime.combine(day, shipper.shift_start, tzinfo=tz)  # type: ignore[arg-type]
    end = datetime.combine(day, shipper.shift_end, tzinfo=tz)  # type: ignore[arg-type]
    if end <= start:
        end += timedelta(days=1)
    return start, end


def cleared_shippers(session: Session, *, now: datetime) -> list[ShipperWork]:
    """Every shipper cleared for planning at ``now`` (aware, local), with their work."""
    declared = exists().where(
        HealthDeclaration.shipper_id == Shipper.id,
        HealthDeclaration.day == now.date(),
        HealthDeclaration.passed.is_(True),
    )
    locked = exists().where(
        Route.shipper_id == Shipper.id, Route.status.in_(ACTIVE_ROUTE), Route.locked.is_(True)
    )
    shippers = session.scalars(
        select(Shipper).where(Shipper.on_duty.is_(True), declared, ~locked).order_by(Shipper.id)
    ).all()
    working = [
        s for s in shippers if shift_bounds(s, now.date(), now.tzinfo)[1] - now >= MIN_SHIFT_LEFT
    ]
    routes = _active_routes(session, [s.id for s in working])
    return [_work(s, routes.get(s.id)) for s in working]


def _shift_left(shipper: Shipper, now: datetime) -> timedelta:
    return shift_bounds(shipper, now.date(), now.tzinfo)[1] - now


def _active_routes(session: Session, shipper_ids: Sequence[int]) -> dict[int, Route]:
    """Each shipper's active route: the one in progress, else the oldest planned one."""
    if not shipper_ids:
        return {}
    routes = session.scalars(
        select(Route)
        .where(Route.shipper_id.in_(shipper_ids), Route.status.in_(ACTIVE_ROUTE))
        .order_by(Route.id)
        .options(selectinload(Route.stops).selectinload(Stop.order).selectinload(Order.sales_point))
    ).all()
    chosen: dict[int, Route] = {}
    for route in routes:
        current = chosen.get(route.shipper_id)
        if current is None or (
            route.status is RouteStatus.IN_PROGRESS
            and current.status is not RouteStatus.IN_PROGRESS
        ):
            chosen[route.shipper_id] = route
    return chosen


def _work(shipper: Shipper, route: Route | None) -> ShipperWork:
    remaining = (
        () if route is None else tuple(s for s in route.stops if s.status is StopStatus.PLANNED)
    )
    return ShipperWork(shipper, route, remaining)
