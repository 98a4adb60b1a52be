"""Shippers, their daily 5K health declarations and their one-time sign-in links."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime


class Shipper(Base):
    __tablename__ = "shippers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    vehicle: Mapped[str] = mapped_column(String(32), default="motorbike")
    capacity_kg: Mapped[float] = mapped_column(default=30.0)
    capacity_parcels: Mapped[int] = mapped_column(Integer, default=20)
    home_lat: Mapped[float | None]
    home_lon: Mapped[float | None]
    shift_start: Mapped[time] = mapped_column(Time, default=time(7, 0))
    shift_end: Mapped[time] = mapped_column(Time, default=time(21, 0))
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    last_lat: Mapped[float | None]
    last_lon: Mapped[float | None]
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    declarations: Mapped[list[HealthDeclaration]] = relationship(back_populates="shipper")


class HealthDeclaration(Base):
    """One 5K declaration per shipper per local day; a failing one keeps them off planning."""

    __tablename__ = "health_declarations"
    __table_args__ = (UniqueConstraint("shipper_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipper_id: Mapped[int] = mapped_column(ForeignKey("shippers.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    temperature_c: Mapped[float | None]
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    mask: Mapped[bool | None] = mapped_column(Boolean)
    sanitizer: Mapped[bool | None] = mapped_column(Boolean)
    test_date: Mapped[date | None] = mapped_column(Date)
    test_result: Mapped[str | None] = mapped_column(String(32))
    vaccination_status: Mapped[str | None] = mapped_column(String(32))
    passed: Mapped[bool] = mapped_column(Boolean)
    failures: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    shipper: Mapped[Shipper] = relationship(back_populates="declarations")


class SignInLink(Base):
    """A one-time sign-in link a dispatcher issues to a shipper; only its hash is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipper_id: Mapped[int] = mapped_column(ForeignKey("shippers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
