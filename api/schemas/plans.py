"""Planning run bodies: ``PlanCreate`` (what a dispatcher may ask) and ``PlanRead``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from dispatch.clock import to_local
from dispatch.enums import PlanningRunStatus, PlanningTrigger
from dispatch.planning.models import PlanningRun

__all__ = ["PlanAccepted", "PlanCreate", "PlanPageRead", "PlanRead"]


def _local(moment: datetime | None) -> datetime | None:
    return to_local(moment) if moment is not None else None


class PlanCreate(BaseModel):
    """Start a planning run now; the body may be empty."""

    model_config = ConfigDict(extra="forbid")

    zone: str | None = None


class PlanAccepted(BaseModel):
    id: int
    status: PlanningRunStatus


class PlanRead(BaseModel):
    """A run and its figures; times are Asia/Ho_Chi_Minh."""

    id: int
    status: PlanningRunStatus
    trigger: PlanningTrigger
    zone: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    orders_in: int
    orders_planned: int
    unassigned_by_reason: dict[str, int]
    routes: int
    total_km: float
    solver_s: float
    wall_s: float
    error: str | None
    figures: dict[str, Any]

    @classmethod
    def of(cls, run: PlanningRun) -> PlanRead:
        return cls(
            id=run.id,
            status=run.status,
            trigger=run.trigger,
            zone=run.zone,
            created_at=to_local(run.created_at),
            started_at=_local(run.started_at),
            finished_at=_local(run.finished_at),
            orders_in=run.orders_in,
            orders_planned=run.orders_planned,
            unassigned_by_reason=run.unassigned_by_reason,
            routes=run.routes_count,
            total_km=run.total_km,
            solver_s=run.solver_s,
            wall_s=run.wall_s,
            error=run.error,
            figures=run.figures,
        )


class PlanPageRead(BaseModel):
    items: list[PlanRead]
    next_before_id: int | None
    """Pass as ``before_id`` for the next (older) page; null on the last page."""
