"""The cache of geocoder answers, so Nominatim is asked about an address once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime


class GeocodeCacheEntry(Base):
    __tablename__ = "geocode_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(String(500), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    precision: Mapped[str | None] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(100))
    ward: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
