"""Sales point API keys: random, shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
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


def authenticate_key(session: Session, plaintext: str) -> SalesPoint:
    """The active sales point owning this unrevoked key, or NotAuthenticated."""
    row = session.execute(
        select(ApiKey, SalesPoint)
        .join(SalesPoint, ApiKey.sales_point_id == SalesPoint.id)
        .where(ApiKey.key_hash == digest(plaintext))
    ).first()
    if row is None:
        raise NotAuthenticated("unknown API key")
    key, sales_point = row
    if key.revoked_at is not None:
        raise NotAuthenticated("this API key has been revoked")
    if not sales_point.active:
        raise NotAuthenticated("this sales point has been deactivated")
    now = utcnow()
    # Written at most once a minute: an UPDATE per request would queue a sales point's
    # concurrent requests on this one row's lock.
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        key.last_used_at = now
    return sales_point
