"""Throw-away test databases: a SQLite file or a fresh PostgreSQL database, migrated."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from dispatch.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "DISPATCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, exc: Exception) -> None:
    """In CI a missing service fails the run; on a laptop the tests that need it skip."""
    message = f"{what} is not reachable: {exc}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def postgres_database(label: str = "t") -> Iterator[str]:
    """A new, empty PostgreSQL database for this run, dropped afterwards."""
    name = f"dispatch_{label}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL at " + POSTGRES_ADMIN_URL, exc)
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    yield f"sqlite:///{directory / f'dispatch-{uuid.uuid4().hex[:8]}.db'}"


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """A database of the given backend brought to the newest migration."""
    maker = postgres_database() if backend == "postgresql" else sqlite_database(directory)
    with maker as url:
        upgrade(url)
        yield url
