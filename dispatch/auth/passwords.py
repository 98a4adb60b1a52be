"""Password and PIN hashing with Argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(secret_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time of a real check, so an unknown user is not told apart by timing."""
    verify_secret(_DUMMY_HASH, "not-the-secret")


_DUMMY_HASH = _hasher.hash("dummy-secret-for-timing")
