"""Sales points (điểm bán) and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime
from dispatch.enums import SalesPointKind, db_enum


class SalesPoint(Base):
    __tablename__ = "sales_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SalesPointKind] = mapped_column(db_enum(SalesPointKind))
    ocop_stars: Mapped[int | None] = mapped_column(Integer)
    ocop_certificate: Mapped[str | None] = mapped_column(String(100))
    products: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(500))
    district: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float]
    lon: Mapped[float]
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="sales_point")


class ApiKey(Base):
    """A sales point's key; only its SHA-256 is stored, the key is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    sales_point_id: Mapped[int] = mapped_column(ForeignKey("sales_points.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sales_point: Mapped[SalesPoint] = relationship(back_populates="api_keys")
