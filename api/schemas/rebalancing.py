"""Bodies of the dispatcher's actions (moves, locks, re-optimisation, duty) and of the board."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatch.rebalancing import Move
from dispatch.rebalancing.moves import MAX_ORDERS_PER_MOVE
from dispatch.rebalancing.reoptimize import MAX_ROUTES

__all__ = [
    "BoardRead",
    "MoveRead",
    "ReassignCreate",
    "ReassignmentCreate",
    "ReoptimizeAccepted",
    "ReoptimizeCreate",
    "RouteActionCreate",
    "RouteRead",
    "RoutesReoptimizeCreate",
    "ShipperRead",
    "ShipperUpdate",
]

Note = Field(default=None, max_length=500, description="why: kept in each order's history")


class ReassignCreate(BaseModel):
    """Move one order to another shipper's route."""

    model_config = ConfigDict(extra="forbid")

    shipper_id: int
    force: bool = Field(default=False, description="move even if it breaks capacity or a window")
    note: str | None = Note


class ReassignmentCreate(ReassignCreate):
    """Move several orders, in this order, to another shipper's route."""

    order_ids: list[int] = Field(min_length=1, max_length=MAX_ORDERS_PER_MOVE)


class ViolationRead(BaseModel):
    rule: str
    order_id: int | None
    shipper_id: int
    message: str


class MoveRead(BaseModel):
    route_id: int
    shipper_id: int
    order_ids: list[int]
    left_route_ids: list[int]
    forced: bool
    violations: list[ViolationRead]

    @classmethod
    def of(cls, move: Move) -> MoveRead:
        return cls(
            route_id=move.route.id,
            shipper_id=move.route.shipper_id,
            order_ids=[o.id for o in move.orders],
            left_route_ids=[r.id for r in move.left],
            forced=move.forced,
            violations=[ViolationRead.model_validate(v) for v in move.violations],
        )


class RouteActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Note


ReoptimizeCreate = RouteActionCreate


class RoutesReoptimizeCreate(RouteActionCreate):
    route_ids: list[int] = Field(min_length=1, max_length=MAX_ROUTES)


class ReoptimizeAccepted(BaseModel):
    route_ids: list[int]
    status: Literal["queued"] = "queued"


class ShipperUpdate(BaseModel):
    """Put a shipper on or off duty; off duty, their orders not picked up are re-planned."""

    model_config = ConfigDict(extra="forbid")

    on_duty: bool
    note: str | None = Note


class StopRead(BaseModel):
    id: int
    order_id: int
    kind: str
    sequence: int
    status: str
    lat: float
    lon: float
    eta: str | None
    forced: bool
    recipient: str | None
    weight_kg: float


class RouteRead(BaseModel):
    id: int
    shipper_id: int
    colour: str
    status: str
    locked: bool
    distance_m: int
    planning_run_id: int | None
    stops: list[StopRead]


class LoadRead(BaseModel):
    stops: int
    stops_done: int
    kg: float = Field(description="the heaviest load on board along the plan")
    capacity_kg: float
    parcels: int
    capacity_parcels: int
    km: float
    last_eta: str | None
    forced: bool


class ShipperRead(BaseModel):
    id: int
    name: str
    phone: str
    colour: str
    on_duty: bool
    health: Literal["passed", "failed", "missing"]
    health_failures: list[str]
    position: dict[str, float] | None
    home: dict[str, float | None] | None
    last_seen_at: str | None
    route_id: int | None
    locked: bool
    load: LoadRead


class BoardRead(BaseModel):
    version: str = Field(description="changes whenever anything on the board changes")
    routes: list[RouteRead]
    shippers: list[ShipperRead]
    sales_points: list[dict[str, Any]]
    unassigned: list[dict[str, Any]]
    planning_runs: list[dict[str, Any]]
