"""The request's transaction (api.deps.get_session): opened on the event loop, committed
or rolled back in the thread pool, by the same policy as every other boundary.

The ``client`` fixture swaps get_session for the test's rolled-back session, so this runs
what get_session is made of (``opened_on_loop`` around ``session_scope``) in a small app
of its own, on a fresh database of each backend, and reads the result from outside.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.deps import opened_on_loop
from api.errors import install_error_handlers
from dispatch.db import make_engine, session_scope
from dispatch.errors import Conflict
from dispatch.salespoints.models import SalesPoint
from tests.conftest import BACKENDS
from tests.databases import migrated_database
from tests.factories import make_sales_point


@pytest.fixture(params=BACKENDS)
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        yield sessionmaker(bind=engine, expire_on_commit=False)
        engine.dispose()


async def request_session(request: Request) -> AsyncIterator[Session]:
    """get_session's own composition, on this test's database."""
    async with opened_on_loop(session_scope(request.app.state.factory)) as session:
        yield session


RequestSession = Annotated[Session, Depends(request_session, scope="function")]
router = APIRouter()


@router.post("/ok")
def ok(session: RequestSession) -> dict[str, int]:
    return {"id": make_sales_point(session).id}


@router.post("/fails")
def fails(session: RequestSession) -> None:
    make_sales_point(session)
    raise Conflict("refused after writing")


@router.post("/fails-but-keeps")
def fails_but_keeps(session: RequestSession) -> None:
    make_sales_point(session)
    raise Conflict("refused, and the attempt must stay counted", keep_changes=True)


@pytest.fixture
def client(factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.factory = factory
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as client:
        yield client


def sales_points(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(SalesPoint)) or 0


class TestRequestTransaction:
    def test_a_handler_that_returns_is_committed_before_the_answer(
        self, client: TestClient, factory: sessionmaker[Session]
    ) -> None:
        response = client.post("/ok")

        assert response.status_code == 200
        with factory() as session:
            assert session.get(SalesPoint, response.json()["id"]) is not None

    def test_a_handler_that_raises_is_rolled_back_and_answers_the_error(
        self, client: TestClient, factory: sessionmaker[Session]
    ) -> None:
        response = client.post("/fails")

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conflict"
        assert sales_points(factory) == 0

    def test_an_error_that_keeps_its_changes_is_committed(
        self, client: TestClient, factory: sessionmaker[Session]
    ) -> None:
        response = client.post("/fails-but-keeps")

        assert response.status_code == 409
        assert sales_points(factory) == 1
