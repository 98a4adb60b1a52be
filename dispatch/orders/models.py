"""Orders, their event log, proof of delivery, idempotency records and shipper actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime
from dispatch.enums import (
    ActorKind,
    GeocodePrecision,
    HandoffPreference,
    OrderStatus,
    PaymentMethod,
    ProofKind,
    db_enum,
)
from dispatch.salespoints.models import SalesPoint


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("sales_point_id", "external_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sales_point_id: Mapped[int] = mapped_column(ForeignKey("sales_points.id"), index=True)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[OrderStatus] = mapped_column(
        db_enum(OrderStatus), default=OrderStatus.PENDING, index=True
    )
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(500))
    district: Mapped[str | None] = mapped_column(String(100))
    ward: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float]
    lon: Mapped[float]
    geocode_precision: Mapped[GeocodePrecision] = mapped_column(db_enum(GeocodePrecision))
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parcels: Mapped[int] = mapped_column(Integer, default=1)
    weight_kg: Mapped[float] = mapped_column(default=1.0)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    payment_method: Mapped[PaymentMethod] = mapped_column(
        db_enum(PaymentMethod), default=PaymentMethod.PREPAID
    )
    cod_amount_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    handoff_preference: Mapped[HandoffPreference] = mapped_column(
        db_enum(HandoffPreference), default=HandoffPreference.LEAVE_AT_DOOR
    )
    handoff_note: Mapped[str | None] = mapped_column(Text)
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    handoff_code: Mapped[str] = mapped_column(String(8))
    handoff_attempts: Mapped[int] = mapped_column(Integer, default=0)
    unassigned_reason: Mapped[str | None] = mapped_column(String(64))
    unassigned_detail: Mapped[str | None] = mapped_column(Text)
    # A planning run's lease on a pending order; an expired lease is free to take again.
    claimed_by_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("planning_runs.id"), index=True
    )
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Bumped on every flush, so a writer can tell that an order changed under it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    sales_point: Mapped[SalesPoint] = relationship()
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )


class OrderEvent(Base):
    """One line of an order's history: a status change or a manual action, with who and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[OrderStatus | None] = mapped_column(db_enum(OrderStatus))
    to_status: Mapped[OrderStatus | None] = mapped_column(db_enum(OrderStatus))
    actor_kind: Mapped[ActorKind] = mapped_column(db_enum(ActorKind))
    actor_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    order: Mapped[Order] = relationship(back_populates="events")


class ProofOfDelivery(Base):
    __tablename__ = "proofs_of_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    shipper_id: Mapped[int] = mapped_column(ForeignKey("shippers.id"))
    kind: Mapped[ProofKind] = mapped_column(db_enum(ProofKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    photo: Mapped[bytes | None]
    photo_content_type: Mapped[str | None] = mapped_column(String(32))


class IdempotencyRecord(Base):
    """The stored answer to a request made with an Idempotency-Key, kept for 24 hours."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("sales_point_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sales_point_id: Mapped[int] = mapped_column(ForeignKey("sales_points.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ShipperAction(Base):
    """An action a shipper's phone sent, by its client-made id, so a replay applies once."""

    __tablename__ = "shipper_actions"
    __table_args__ = (UniqueConstraint("shipper_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipper_id: Mapped[int] = mapped_column(ForeignKey("shippers.id"))
    action_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(32))
    status_code: Mapped[int]
    response_body: Mapped[Any] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
