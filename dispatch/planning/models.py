"""Planning runs and the delivery routes with ordered stops they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime
from dispatch.enums import (
    PlanningRunStatus,
    PlanningTrigger,
    RouteStatus,
    StopKind,
    StopStatus,
    db_enum,
)
from dispatch.orders.models import Order
from dispatch.shippers.models import Shipper


class PlanningRun(Base):
    __tablename__ = "planning_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PlanningRunStatus] = mapped_column(
        db_enum(PlanningRunStatus), default=PlanningRunStatus.QUEUED, index=True
    )
    trigger: Mapped[PlanningTrigger] = mapped_column(db_enum(PlanningTrigger))
    zone: Mapped[str] = mapped_column(String(64), default="hanoi")
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    task_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    orders_in: Mapped[int] = mapped_column(Integer, default=0)
    orders_planned: Mapped[int] = mapped_column(Integer, default=0)
    unassigned_by_reason: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    routes_count: Mapped[int] = mapped_column(Integer, default=0)
    total_km: Mapped[float] = mapped_column(default=0.0)
    solver_s: Mapped[float] = mapped_column(default=0.0)
    wall_s: Mapped[float] = mapped_column(default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Route(Base):
    """One shipper's delivery route; a locked route is left alone by planning runs."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipper_id: Mapped[int] = mapped_column(ForeignKey("shippers.id"), index=True)
    planning_run_id: Mapped[int | None] = mapped_column(ForeignKey("planning_runs.id"))
    status: Mapped[RouteStatus] = mapped_column(
        db_enum(RouteStatus), default=RouteStatus.PLANNED, index=True
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    distance_m: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shipper: Mapped[Shipper] = relationship()
    stops: Mapped[list[Stop]] = relationship(
        back_populates="route", order_by="Stop.sequence", cascade="all, delete-orphan"
    )


class Stop(Base):
    """A pickup at a sales point or a delivery to a recipient; each order has one of each."""

    __tablename__ = "stops"
    __table_args__ = (UniqueConstraint("order_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[StopKind] = mapped_column(db_enum(StopKind))
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[StopStatus] = mapped_column(db_enum(StopStatus), default=StopStatus.PLANNED)
    lat: Mapped[float]
    lon: Mapped[float]
    planned_arrival: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_departure: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_arrival: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)

    route: Mapped[Route] = relationship(back_populates="stops")
    order: Mapped[Order] = relationship()
