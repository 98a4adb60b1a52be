"""Password and PIN hashing with Argon2id.

Production uses argon2-cffi's RFC 9106 low-memory profile; the test environment uses its
cheapest profile, because hashing is the one deliberately slow thing a test fixture does.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from dispatch.settings import get_settings


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    if get_settings().environment == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def verify_secret(secret_hash: str, secret: str) -> bool:
    """Check ``secret`` against a hash of any profile (the hash records its parameters)."""
    try:
        return _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time of a real check, so an unknown user is not told apart by timing."""
    verify_secret(_dummy_hash(), "not-the-secret")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("dummy-secret-for-timing")
