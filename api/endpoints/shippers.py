"""Shippers for dispatchers: ``GET /v1/shippers`` with their load, ``PATCH`` duty."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import NowDep, SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.rebalancing import ShipperRead, ShipperUpdate
from dispatch.console.board import shipper_views
from dispatch.rebalancing import set_on_duty

router = APIRouter(prefix="/v1/shippers", tags=["shippers"], responses=ERROR_RESPONSES)


@router.get("")
def list_shippers(session: SessionDep, _principal: StaffDep) -> list[ShipperRead]:
    """Every shipper with duty, today's health declaration, position and load."""
    return [ShipperRead.model_validate(s) for s in shipper_views(session)]


@router.patch("/{shipper_id}")
def update_shipper(
    session: SessionDep, principal: StaffDep, now: NowDep, shipper_id: int, body: ShipperUpdate
) -> ShipperRead:
    """``{"on_duty": false}``: their orders not yet picked up go back to planning and a
    planning run is queued at once; picked-up parcels stay with them."""
    set_on_duty(
        session,
        shipper_id=shipper_id,
        on_duty=body.on_duty,
        actor=principal.actor,
        note=body.note,
        now=now,
    )
    return ShipperRead.model_validate(shipper_views(session, shipper_id=shipper_id)[0])
