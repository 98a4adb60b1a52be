"""Records that authentication keeps: failed attempts, for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.clock import utcnow
from dispatch.db import Base, UTCDateTime


class LoginAttempt(Base):
    """Failed sign-ins, counted per key (phone, username, address) to throttle guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
