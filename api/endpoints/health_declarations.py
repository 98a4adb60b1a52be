"""Health declarations for dispatchers: who declared today, who failed and why."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from api.deps import SessionDep, StaffDep
from api.errors import ERROR_RESPONSES
from api.schemas.me import HealthDeclarationRead
from dispatch.clock import local_today
from dispatch.errors import NotFound
from dispatch.shippers.health import list_declarations
from dispatch.shippers.models import Shipper

router = APIRouter(prefix="/v1", tags=["shippers"], responses=ERROR_RESPONSES)


@router.get("/health-declarations")
def list_day_declarations(
    session: SessionDep, _principal: StaffDep, day: date | None = None, passed: bool | None = None
) -> list[HealthDeclarationRead]:
    """Every shipper's declaration of ``day`` (today by default); ``passed=false`` for the
    failing ones, which keep those shippers out of that day's planning."""
    found = list_declarations(session, day=day or local_today(), limit=1000)
    return [HealthDeclarationRead.model_validate(d) for d in found if passed in (None, d.passed)]


@router.get("/shippers/{shipper_id}/health-declarations")
def list_shipper_declarations(
    session: SessionDep, _principal: StaffDep, shipper_id: int
) -> list[HealthDeclarationRead]:
    """One shipper's recent declarations, newest first."""
    if session.get(Shipper, shipper_id) is None:
        raise NotFound(f"shipper {shipper_id} does not exist")
    found = list_declarations(session, shipper_id=shipper_id)
    return [HealthDeclarationRead.model_validate(d) for d in found]
