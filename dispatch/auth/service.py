"""Sign-in with a password (staff) or a phone number and PIN (shippers)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth import throttle
from dispatch.auth.passwords import dummy_verify, verify_secret
from dispatch.auth.principal import Principal, Role
from dispatch.errors import NotAuthenticated
from dispatch.phones import normalise_vn_phone
from dispatch.shippers.models import Shipper
from dispatch.users.models import User


def sign_in(session: Session, *, username: str, password: str) -> Principal:
    """A staff user by username, else a shipper by phone; throttled per username."""
    key = f"sign-in:{username.strip().lower()}"
    throttle.check_not_throttled(session, key)
    principal = _user(session, username, password) or _shipper(session, username, password)
    if principal is None:
        throttle.record_failure(session, key)
        raise NotAuthenticated("wrong username, phone number, password or PIN", keep_changes=True)
    throttle.clear_failures(session, key)
    return principal


def _user(session: Session, username: str, password: str) -> Principal | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        return None
    if not verify_secret(user.password_hash, password):
        return None
    return Principal(role=Role(user.role.value), id=user.id, name=user.username)


def _shipper(session: Session, phone: str, pin: str) -> Principal | None:
    try:
        normalised = normalise_vn_phone(phone)
    except ValueError:
        dummy_verify()
        return None
    shipper = session.scalar(select(Shipper).where(Shipper.phone == normalised))
    if shipper is None:
        dummy_verify()
        return None
    if not verify_secret(shipper.pin_hash, pin):
        return None
    return Principal(role=Role.SHIPPER, id=shipper.id, name=shipper.name)
