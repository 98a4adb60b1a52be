"""Sales point API keys: random, shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from dispatch.clock import utcnow
from dispatch.errors import NotAuthenticated
from dispatch.salespoints.models import ApiKey, SalesPoint

KEY_PREFIX = "sdk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    record: ApiKey
    plaintext: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session: Session, sales_point: SalesPoint, *, label: str | None = None) -> IssuedKey:
    """Create a key; the plaintext exists only in the returned value."""
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(
        sales_point=sales_point,
        label=label,
        prefix=plaintext[: len(KEY_PREFIX) + 6],
        key_hash=digest(plaintext),
    )
    session.add(record)
    session.flush()
    return IssuedKey(record=record, plaintext=plaintext)


@dataclass(frozen=True)
class KeyOwner:
    """The active sales point an API key speaks for."""

    sales_point_id: int
    name: str


def authenticate_key(session: Session, plaintext: str) -> KeyOwner:
    """The active sales point owning this unrevoked key, or NotAuthenticated.

    Read on every request, never cached: a revoked key or a deactivated sales point is
    refused on its next request, whichever process serves it.
    """
    row = session.execute(_FIND_KEY, {"key_hash": digest(plaintext)}).first()
    if row is None:
        raise NotAuthenticated("unknown API key")
    key_id, revoked_at, last_used_at, sales_point_id, name, active = row
    if revoked_at is not None:
        raise NotAuthenticated("this API key has been revoked")
    if not active:
        raise NotAuthenticated("this sales point has been deactivated")
    now = utcnow()
    if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
        stale_before = now - LAST_USED_RESOLUTION
        session.execute(_TOUCH_KEY, {"key_id": key_id, "now": now, "stale_before": stale_before})
    return KeyOwner(sales_point_id=sales_point_id, name=name)


# Built once, on the tables (no ORM entities loaded): this runs on every sales point call.
_KEYS = cast(Table, ApiKey.__table__)
_SALES_POINTS = cast(Table, SalesPoint.__table__)
_FIND_KEY = (
    select(
        _KEYS.c.id,
        _KEYS.c.revoked_at,
        _KEYS.c.last_used_at,
        _SALES_POINTS.c.id,
        _SALES_POINTS.c.name,
        _SALES_POINTS.c.active,
    )
    .join_from(_KEYS, _SALES_POINTS, _KEYS.c.sales_point_id == _SALES_POINTS.c.id)
    .where(_KEYS.c.key_hash == bindparam("key_hash"))
)
# Written at most once a minute, and never waited for: an UPDATE per request would queue
# a sales point's concurrent requests (a livestream's burst) on this one row's lock, so a
# request that finds the row locked by another one's update leaves it to that one (SKIP
# LOCKED on PostgreSQL; SQLite has one writer at a time anyway).
_TOUCH_KEY = (
    update(_KEYS)
    .where(
        _KEYS.c.id
        == select(_KEYS.c.id)
        .where(
            _KEYS.c.id == bindparam("key_id"),
            or_(
                _KEYS.c.last_used_at.is_(None),
                _KEYS.c.last_used_at < bindparam("stale_before"),
            ),
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    .values(last_used_at=bindparam("now"))
)
