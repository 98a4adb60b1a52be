"""One-time sign-in links a dispatcher issues to a shipper (shown as a link or a QR code).

Only the SHA-256 of the token is stored; the plaintext exists in the issued link alone.
Consuming a link is a single conditional UPDATE, so two taps on the same link cannot
both sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatch.auth.principal import Principal, Role
from dispatch.clock import utcnow
from dispatch.errors import NotAuthenticated, NotFound
from dispatch.settings import get_settings
from dispatch.shippers.models import Shipper, SignInLink

LINK_TTL = timedelta(minutes=30)
LINK_PATH = "/shipper/link/"


@dataclass(frozen=True)
class IssuedLink:
    record: SignInLink
    token: str

    @property
    def url(self) -> str:
        return get_settings().base_url.rstrip("/") + LINK_PATH + self.token

    @property
    def expires_at(self) -> datetime:
        return self.record.expires_at


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_sign_in_link(
    session: Session, *, shipper_id: int, issued_by_user_id: int | None, ttl: timedelta = LINK_TTL
) -> IssuedLink:
    """A fresh link for the shipper, valid once within ``ttl``."""
    if session.get(Shipper, shipper_id) is None:
        raise NotFound(f"shipper {shipper_id} does not exist")
    token = secrets.token_urlsafe(32)
    record = SignInLink(
        shipper_id=shipper_id,
        token_hash=_digest(token),
        issued_by_user_id=issued_by_user_id,
        expires_at=utcnow() + ttl,
    )
    session.add(record)
    session.flush()
    return IssuedLink(record=record, token=token)


def consume_sign_in_link(session: Session, *, token: str) -> Principal:
    """The shipper the link signs in; the link is spent. 401 if unknown, used or expired."""
    now = utcnow()
    spent = session.execute(
        update(SignInLink)
        .where(
            SignInLink.token_hash == _digest(token),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(SignInLink.shipper_id)
    ).scalar_one_or_none()
    if spent is None:
        raise NotAuthenticated(
            "this sign-in link is unknown, already used or expired; ask for a new one"
        )
    shipper = session.scalar(select(Shipper).where(Shipper.id == spent))
    if shipper is None:  # the FK makes this impossible short of a deleted shipper
        raise NotAuthenticated("this shipper no longer exists")
    return Principal(role=Role.SHIPPER, id=shipper.id, name=shipper.name)
