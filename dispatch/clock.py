"""Time helpers: every stored time is timezone-aware; local time is Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dispatch.settings import get_settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_tz() -> ZoneInfo:
    return get_settings().tz


def local_now() -> datetime:
    return datetime.now(local_tz())


def local_today() -> date:
    return local_now().date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_tz())
