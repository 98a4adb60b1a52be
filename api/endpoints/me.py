"""``/v1/me``: the signed-in shipper's own day: health declaration and current route."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import SessionDep, ShipperDep
from api.errors import ERROR_RESPONSES
from api.schemas.me import HealthDeclarationCreate, HealthDeclarationRead, MeRead, RouteRead
from dispatch.errors import NotFound
from dispatch.shippers.health import declaration_for, declare_health, health_questions
from dispatch.shippers.models import Shipper
from dispatch.shippers.route_view import route_view

router = APIRouter(prefix="/v1/me", tags=["shipper"], responses=ERROR_RESPONSES)


@router.get("")
def read_me(session: SessionDep, principal: ShipperDep) -> MeRead:
    """Who is signed in, the questions to answer, and today's declaration if made."""
    shipper = session.get(Shipper, principal.id)
    if shipper is None:
        raise NotFound("this shipper no longer exists")
    today = declaration_for(session, shipper_id=shipper.id)
    return MeRead(
        id=shipper.id,
        name=shipper.name,
        phone=shipper.phone,
        on_duty=shipper.on_duty,
        health_questions=health_questions(),
        declaration_today=HealthDeclarationRead.model_validate(today) if today else None,
    )


@router.post("/health-declarations", status_code=status.HTTP_201_CREATED)
def create_health_declaration(
    session: SessionDep, principal: ShipperDep, body: HealthDeclarationCreate
) -> HealthDeclarationRead:
    """Today's 5K declaration; a failing one keeps the shipper out of today's planning."""
    declaration = declare_health(session, shipper_id=principal.id, answers=body.answers())
    return HealthDeclarationRead.model_validate(declaration)


@router.get("/route")
def read_route(session: SessionDep, principal: ShipperDep) -> RouteRead:
    """The current route: stops in order with ETAs, details, navigation links, progress."""
    return RouteRead.model_validate(route_view(session, shipper_id=principal.id))
