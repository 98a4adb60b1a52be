"""Moving orders between shippers: ``POST /v1/orders/{id}/reassign`` and
``POST /v1/reassignments`` (several orders at once)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import NowDep, SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.rebalancing import MoveRead, ReassignCreate, ReassignmentCreate
from dispatch.rebalancing import reassign_orders

router = APIRouter(prefix="/v1", tags=["rebalancing"], responses=ERROR_RESPONSES)


@router.post("/orders/{order_id:int}/reassign")
def reassign_order(
    session: SessionDep, principal: StaffDep, now: NowDep, order_id: int, body: ReassignCreate
) -> MoveRead:
    """Put the order on the shipper's route at its cheapest feasible position; 409
    ``move_refused`` with the reasons when it breaks capacity, a window or the shift end,
    unless ``force`` is true (the stops are then marked forced)."""
    move = reassign_orders(
        session,
        order_ids=[order_id],
        shipper_id=body.shipper_id,
        actor=principal.actor,
        force=body.force,
        note=body.note,
        now=now,
    )
    return MoveRead.of(move)


@router.post("/reassignments")
def create_reassignment(
    session: SessionDep, principal: StaffDep, now: NowDep, body: ReassignmentCreate
) -> MoveRead:
    """Move several orders together; all of them move, or none."""
    move = reassign_orders(
        session,
        order_ids=body.order_ids,
        shipper_id=body.shipper_id,
        actor=principal.actor,
        force=body.force,
        note=body.note,
        now=now,
    )
    return MoveRead.of(move)
