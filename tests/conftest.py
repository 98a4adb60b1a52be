"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL, each test in a
transaction that is rolled back, and the API wired to that same transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("DISPATCH_ENVIRONMENT", "test")
os.environ.setdefault("DISPATCH_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
# The app's lifespan must not start background planning against a test's database.
os.environ.setdefault("DISPATCH_EMBEDDED_SCHEDULER", "false")

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from dispatch.db import make_engine, transaction
from tests.databases import migrated_database
from tests.job_runners import RecordingRunner, recording_runner

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per backend, shared by the tests of this run."""
    directory: Path = tmp_path_factory.mktemp("db")
    with migrated_database(request.param, directory) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app(session: Session) -> FastAPI:
    """The real application, its request transactions nested in the test's transaction."""
    app = create_app()

    def test_session() -> Iterator[Session]:
        with transaction(session):
            yield session

    app.dependency_overrides[get_session] = test_session
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def runner() -> Iterator[RecordingRunner]:
    """Jobs enqueued during the test are recorded, not run."""
    with recording_runner() as recording:
        yield recording
