"""Delivery routes for dispatchers: ``GET /v1/routes``, lock, unlock and re-optimise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status

from api.deps import SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.rebalancing import (
    ReoptimizeAccepted,
    RouteActionCreate,
    RouteRead,
    RoutesReoptimizeCreate,
)
from dispatch.console.board import active_routes, route_view
from dispatch.rebalancing import request_reoptimization, set_locked

router = APIRouter(prefix="/v1/routes", tags=["routes"], responses=ERROR_RESPONSES)

OptionalNote = Annotated[RouteActionCreate | None, Body()]


@router.get("")
def list_routes(session: SessionDep, _principal: StaffDep) -> list[RouteRead]:
    """Routes planned or under way, with their stops in order."""
    return [RouteRead.model_validate(route_view(r)) for r in active_routes(session)]


@router.post("/{route_id}/lock")
def lock_route(
    session: SessionDep, principal: StaffDep, route_id: int, body: OptionalNote = None
) -> RouteRead:
    """Planning runs leave a locked route (and its shipper) alone."""
    note = body.note if body else None
    route = set_locked(session, route_id=route_id, locked=True, actor=principal.actor, note=note)
    return RouteRead.model_validate(route_view(route))


@router.post("/{route_id}/unlock")
def unlock_route(
    session: SessionDep, principal: StaffDep, route_id: int, body: OptionalNote = None
) -> RouteRead:
    note = body.note if body else None
    route = set_locked(session, route_id=route_id, locked=False, actor=principal.actor, note=note)
    return RouteRead.model_validate(route_view(route))


@router.post("/{route_id}/reoptimize", status_code=status.HTTP_202_ACCEPTED)
def reoptimize_route(
    session: SessionDep, principal: StaffDep, route_id: int, body: OptionalNote = None
) -> ReoptimizeAccepted:
    """Re-order the route's remaining stops with the solver, in the background; picked-up
    parcels stay with their shipper. 409 when the route is locked or completed."""
    note = body.note if body else None
    routes = request_reoptimization(session, route_ids=[route_id], actor=principal.actor, note=note)
    return ReoptimizeAccepted(route_ids=[r.id for r in routes])


@router.post("/reoptimize", status_code=status.HTTP_202_ACCEPTED)
def reoptimize_routes(
    session: SessionDep, principal: StaffDep, body: RoutesReoptimizeCreate
) -> ReoptimizeAccepted:
    """Re-optimise a set of routes (each on its own), in the background."""
    routes = request_reoptimization(
        session, route_ids=body.route_ids, actor=principal.actor, note=body.note
    )
    return ReoptimizeAccepted(route_ids=[r.id for r in routes])
