"""Throttling of sign-in guesses: too many failures for one key within a window gets 429."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dispatch.auth.models import LoginAttempt
from dispatch.clock import utcnow
from dispatch.errors import TooManyRequests

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def check_not_throttled(session: Session, key: str) -> None:
    since = utcnow() - WINDOW
    failures = session.scalar(
        select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    )
    if (failures or 0) >= MAX_FAILURES:
        raise TooManyRequests(
            f"too many failed attempts; try again in {int(WINDOW.total_seconds() // 60)} minutes"
        )


def record_failure(session: Session, key: str) -> None:
    session.add(LoginAttempt(key=key))
    session.flush()


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
