"""The dispatcher's board: routes with coloured stops, shippers with their load, sales
points, the orders no run could plan (with the solver's reason) and the planning runs.

Plain dicts of JSON types, read in one transaction, so the API can serve them as they are
and a fingerprint of them tells a polling page whether anything changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatch.clock import local_today
from dispatch.enums import OrderStatus, RouteStatus, StopKind, StopStatus
from dispatch.orders.models import Order
from dispatch.planning.models import PlanningRun, Route, Stop
from dispatch.salespoints.models import SalesPoint
from dispatch.shippers.models import HealthDeclaration, Shipper

__all__ = ["PALETTE", "active_routes", "board", "fingerprint", "route_view", "shipper_views"]

PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
    "#f032e6", "#9a6324", "#469990", "#800000", "#808000", "#000075",
)  # fmt: skip
"""Distinct colours, one per shipper (by id), so a shipper keeps their colour all day."""
MAX_UNASSIGNED = 500
RUNS_SHOWN = 15


def colour_of(shipper_id: int) -> str:
    return PALETTE[shipper_id % len(PALETTE)]


def board(session: Session) -> dict[str, Any]:
    """Everything the console draws, as JSON-ready dicts."""
    routes = active_routes(session)
    return {
        "routes": [route_view(r) for r in routes],
        "shippers": shipper_views(session, routes=routes),
        "sales_points": [_sales_point(p) for p in _sales_points(session)],
        "unassigned": [_unassigned(o) for o in _pending(session)],
        "planning_runs": [_run(r) for r in _runs(session)],
    }


def fingerprint(data: dict[str, Any]) -> str:
    """A short digest of a board: equal boards, equal fingerprints."""
    raw = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:20]


def shipper_views(
    session: Session, *, shipper_id: int | None = None, routes: Sequence[Route] | None = None
) -> list[dict[str, Any]]:
    """Shippers (all, or the one named) with duty, health today, position and load."""
    query = select(Shipper).order_by(Shipper.name, Shipper.id)
    if shipper_id is not None:
        query = query.where(Shipper.id == shipper_id)
    routes = active_routes(session) if routes is None else routes
    # A shipper works one route at a time: the one under way, else the oldest planned.
    route_of: dict[int, Route] = {}
    for route in sorted(routes, key=lambda r: (r.status is not RouteStatus.IN_PROGRESS, r.id)):
        route_of.setdefault(route.shipper_id, route)
    health = _health_today(session)
    return [_shipper(s, route_of.get(s.id), health.get(s.id)) for s in session.scalars(query)]


def active_routes(session: Session) -> Sequence[Route]:
    """Routes planned or under way, with their stops and orders loaded."""
    return session.scalars(
        select(Route)
        .where(Route.status.in_((RouteStatus.PLANNED, RouteStatus.IN_PROGRESS)))
        .order_by(Route.id)
        .options(selectinload(Route.stops).selectinload(Stop.order))
    ).all()


def route_view(route: Route) -> dict[str, Any]:
    stops = sorted(route.stops, key=lambda s: s.sequence)
    return {
        "id": route.id,
        "shipper_id": route.shipper_id,
        "colour": colour_of(route.shipper_id),
        "status": route.status.value,
        "locked": route.locked,
        "distance_m": route.distance_m,
        "planning_run_id": route.planning_run_id,
        "stops": [_stop(s) for s in stops],
    }


def _stop(stop: Stop) -> dict[str, Any]:
    return {
        "id": stop.id,
        "order_id": stop.order_id,
        "kind": stop.kind.value,
        "sequence": stop.sequence,
        "status": stop.status.value,
        "lat": stop.lat,
        "lon": stop.lon,
        "eta": _iso(stop.planned_arrival),
        "forced": stop.forced,
        "recipient": stop.order.recipient_name if stop.kind is StopKind.DELIVERY else None,
        "weight_kg": stop.order.weight_kg,
    }


def _shipper(
    shipper: Shipper, route: Route | None, health: HealthDeclaration | None
) -> dict[str, Any]:
    position = None
    if shipper.last_lat is not None and shipper.last_lon is not None:
        position = {"lat": shipper.last_lat, "lon": shipper.last_lon}
    return {
        "id": shipper.id,
        "name": shipper.name,
        "phone": shipper.phone,
        "colour": colour_of(shipper.id),
        "on_duty": shipper.on_duty,
        "health": "missing" if health is None else ("passed" if health.passed else "failed"),
        "health_failures": [] if health is None else list(health.failures),
        "position": position,
        "home": None
        if shipper.home_lat is None
        else {"lat": shipper.home_lat, "lon": shipper.home_lon},
        "last_seen_at": _iso(shipper.last_seen_at),
        "route_id": route.id if route else None,
        "locked": bool(route and route.locked),
        "load": _load(shipper, route),
    }


def _load(shipper: Shipper, route: Route | None) -> dict[str, Any]:
    """Stops left, the heaviest load on board along the plan against capacity, km, last ETA."""
    planned = sorted(
        (s for s in route.stops if s.status is StopStatus.PLANNED) if route else [],
        key=lambda s: s.sequence,
    )
    on_board = sum(
        s.order.weight_kg
        for s in planned
        if s.kind is StopKind.DELIVERY and s.order.status is OrderStatus.PICKED_UP
    )
    peak = on_board
    for stop in planned:
        on_board += stop.order.weight_kg if stop.kind is StopKind.PICKUP else -stop.order.weight_kg
        peak = max(peak, on_board)
    return {
        "stops": len(planned),
        "stops_done": len(route.stops) - len(planned) if route else 0,
        "kg": round(peak, 2),
        "capacity_kg": shipper.capacity_kg,
        "parcels": sum(s.order.parcels for s in planned if s.kind is StopKind.DELIVERY),
        "capacity_parcels": shipper.capacity_parcels,
        "km": round((route.distance_m if route else 0) / 1000, 1),
        "last_eta": _iso(planned[-1].planned_arrival) if planned else None,
        "forced": any(s.forced for s in planned),
    }


def _health_today(session: Session) -> dict[int, HealthDeclaration]:
    rows = session.scalars(select(HealthDeclaration).where(HealthDeclaration.day == local_today()))
    return {d.shipper_id: d for d in rows}


def _sales_points(session: Session) -> Sequence[SalesPoint]:
    return session.scalars(
        select(SalesPoint).where(SalesPoint.active.is_(True)).order_by(SalesPoint.id)
    ).all()


def _sales_point(point: SalesPoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "name": point.name,
        "kind": point.kind.value,
        "lat": point.lat,
        "lon": point.lon,
    }


def _pending(session: Session) -> Sequence[Order]:
    return session.scalars(
        select(Order)
        .where(Order.status == OrderStatus.PENDING)
        .order_by(Order.created_at, Order.id)
        .limit(MAX_UNASSIGNED)
    ).all()


def _unassigned(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "external_ref": order.external_ref,
        "sales_point_id": order.sales_point_id,
        "recipient": order.recipient_name,
        "address": order.address,
        "lat": order.lat,
        "lon": order.lon,
        "weight_kg": order.weight_kg,
        "parcels": order.parcels,
        "window_start": _iso(order.window_start),
        "window_end": _iso(order.window_end),
        "reason": order.unassigned_reason,
        "detail": order.unassigned_detail,
        "created_at": _iso(order.created_at),
    }


def _runs(session: Session) -> Sequence[PlanningRun]:
    return session.scalars(
        select(PlanningRun).order_by(PlanningRun.id.desc()).limit(RUNS_SHOWN)
    ).all()


def _run(run: PlanningRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status.value,
        "trigger": run.trigger.value,
        "created_at": _iso(run.created_at),
        "finished_at": _iso(run.finished_at),
        "orders_in": run.orders_in,
        "orders_planned": run.orders_planned,
        "unassigned_by_reason": run.unassigned_by_reason,
        "routes_count": run.routes_count,
        "total_km": round(run.total_km, 1),
        "solver_s": round(run.solver_s, 2),
        "wall_s": round(run.wall_s, 2),
        "error": run.error,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
