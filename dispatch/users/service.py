"""Registering dispatchers and administrators."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.auth.passwords import hash_secret
from dispatch.enums import UserRole
from dispatch.errors import Conflict, ValidationFailed
from dispatch.users.models import User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD_LENGTH = 8


def create_user(session: Session, *, username: str, password: str, role: UserRole) -> User:
    """Add a staff user with an Argon2 password hash; the username must be new."""
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed.at("username", "3 to 64 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.at(
            "password", f"a password has at least {MIN_PASSWORD_LENGTH} characters"
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_secret(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user
