"""``/v1/plans``: a dispatcher starts a planning run and follows it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from api.deps import SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.plans import PlanAccepted, PlanCreate, PlanPageRead, PlanRead
from dispatch.enums import PlanningTrigger
from dispatch.planning import runs

router = APIRouter(prefix="/v1/plans", tags=["plans"], responses=ERROR_RESPONSES)


@router.post("", status_code=202)
def create_plan(
    session: SessionDep,
    principal: StaffDep,
    body: Annotated[PlanCreate | None, Body()] = None,
) -> PlanAccepted:
    """Queue a planning run now; follow it with ``GET /v1/plans/{id}``."""
    run = runs.create_run(
        session,
        trigger=PlanningTrigger.DISPATCHER,
        zone=body.zone if body else None,
        requested_by_user_id=principal.id,
    )
    return PlanAccepted(id=run.id, status=run.status)


@router.get("/{plan_id}")
def read_plan(session: SessionDep, _principal: StaffDep, plan_id: int) -> PlanRead:
    """queued, running, done (with its figures) or failed (with the error)."""
    return PlanRead.of(runs.get_run(session, run_id=plan_id))


@router.get("")
def list_plans(
    session: SessionDep,
    _principal: StaffDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> PlanPageRead:
    """Past runs, newest first."""
    found = runs.list_runs(session, limit=limit, before_id=before_id)
    last = found[-1].id if len(found) == limit else None
    return PlanPageRead(items=[PlanRead.of(r) for r in found], next_before_id=last)
