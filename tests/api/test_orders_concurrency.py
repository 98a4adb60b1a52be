"""Order intake against a real server and a committed PostgreSQL database: concurrent
submissions, and changes made by another process, which the server's next request sees.

The rolled-back ``session`` fixture cannot show what concurrent transactions do, nor what
a server process keeps between requests, so these tests start ``dispatch serve`` on a fresh
database, fire requests from real threads, and change the registry from this process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatch.auth.api_keys import issue_key
from dispatch.db import make_engine, session_scope
from dispatch.orders.models import Order
from dispatch.salespoints.admin import revoke_api_key, update_sales_point
from dispatch.salespoints.models import ApiKey
from dispatch.shippers.models import Shipper
from tests.databases import migrated_database
from tests.factories import make_api_key, make_sales_point, make_shipper
from tests.live import api_server, live_env
from tests.payloads import order_body

pytestmark = pytest.mark.slow
THREADS = 12


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(base URL, API key, database URL) of a server on its own PostgreSQL database."""
    directory = tmp_path_factory.mktemp("live-intake")
    with migrated_database("postgresql", directory) as url:
        engine = make_engine(url)
        with session_scope(sessionmaker(bind=engine)) as session:
            key = make_api_key(session)
        env = live_env(url, None, embedded_scheduler="false")
        with api_server(env, directory / "server.log") as base:
            yield base, key, url
        engine.dispose()


def orders_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Order)) or 0)
    finally:
        engine.dispose()


def post_together(base: str, key: str, bodies: list[Any], keys: list[str]) -> list[httpx.Response]:
    """POST every body at the same moment, one thread each."""
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response | None] = [None] * len(bodies)

    def send(i: int) -> None:
        headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": keys[i]}
        with httpx.Client(base_url=base, timeout=30) as client:
            barrier.wait()
            answers[i] = client.post("/v1/orders", json=bodies[i], headers=headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [a for a in answers if a is not None]


class TestConcurrentIdempotency:
    def test_concurrent_requests_with_one_key_create_exactly_one_order(
        self, live: tuple[str, str, str]
    ) -> None:
        base, key, url = live
        before = orders_in(url)
        body = order_body(external_ref=None)  # only the key can keep them apart

        answers = post_together(base, key, [body] * THREADS, ["same-key"] * THREADS)

        assert len(answers) == THREADS
        assert {a.status_code for a in answers} <= {201, 409}
        ids = {a.json()["id"] for a in answers if a.status_code == 201}
        assert len(ids) == 1
        assert orders_in(url) == before + 1

    def test_concurrent_orders_with_one_external_ref_create_exactly_one(
        self, live: tuple[str, str, str]
    ) -> None:
        base, key, url = live
        before = orders_in(url)
        bodies = [order_body(external_ref="RACE-1") for _ in range(THREADS)]

        answers = post_together(base, key, bodies, [f"k-{i}" for i in range(THREADS)])

        codes = sorted(a.status_code for a in answers)
        assert codes == [201] + [409] * (THREADS - 1)
        created = next(a.json()["id"] for a in answers if a.status_code == 201)
        assert {a.json()["error"]["existing_id"] for a in answers if a.status_code == 409} == {
            created
        }
        assert orders_in(url) == before + 1


@contextmanager
def committed(url: str) -> Iterator[Session]:
    """A session of this process whose work is committed at the end, as another API
    process, the CLI or an admin's request would commit it."""
    engine = make_engine(url)
    try:
        with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
            yield session
    finally:
        engine.dispose()


def post_one(base: str, key: str, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.post(f"{base}/v1/orders", json=body, headers=headers, timeout=30)


class TestChangesMadeElsewhere:
    """Nothing about a key's validity or the fleet's limits is kept between requests."""

    def test_a_key_revoked_by_another_process_is_refused_on_the_next_request(
        self, live: tuple[str, str, str]
    ) -> None:
        base, _, url = live
        with committed(url) as session:
            sales_point = make_sales_point(session)
            issued = issue_key(session, sales_point)
        assert post_one(base, issued.plaintext, order_body()).status_code == 201

        with committed(url) as session:
            revoke_api_key(session, sales_point_id=sales_point.id, key_id=issued.record.id)

        response = post_one(base, issued.plaintext, order_body())
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    def test_a_sales_point_deactivated_by_another_process_is_refused_on_the_next_request(
        self, live: tuple[str, str, str]
    ) -> None:
        base, _, url = live
        with committed(url) as session:
            sales_point = make_sales_point(session)
            plaintext = issue_key(session, sales_point).plaintext
        assert post_one(base, plaintext, order_body()).status_code == 201

        with committed(url) as session:
            update_sales_point(session, sales_point_id=sales_point.id, changes={"active": False})

        response = post_one(base, plaintext, order_body())
        assert response.status_code == 401
        assert "deactivated" in response.json()["error"]["message"]

    def test_a_vehicle_changed_by_another_process_sets_the_next_orders_limit(
        self, live: tuple[str, str, str]
    ) -> None:
        base, key, url = live
        with committed(url) as session:
            truck_id = make_shipper(session, capacity_kg=200.0).id
        assert post_one(base, key, order_body(weight_kg=180)).status_code == 201

        with committed(url) as session:
            truck = session.get(Shipper, truck_id)
            assert truck is not None
            truck.capacity_kg = 150.0

        response = post_one(base, key, order_body(weight_kg=180))
        assert response.status_code == 422
        assert "150 kg" in response.json()["error"]["fields"][0]["message"]


class TestLastUsedUnderLoad:
    def test_a_request_never_waits_for_another_ones_last_used_update(
        self, live: tuple[str, str, str]
    ) -> None:
        base, _, url = live
        with committed(url) as session:
            issued = issue_key(session, make_sales_point(session))
        engine = make_engine(url)
        try:
            with engine.connect() as other_request:  # holds the key's row, as an update would
                other_request.execute(
                    select(ApiKey.id).where(ApiKey.id == issued.record.id).with_for_update()
                )

                response = post_one(base, issued.plaintext, order_body())

                assert response.status_code == 201
                other_request.rollback()
        finally:
            engine.dispose()
        with committed(url) as session:
            key = session.get(ApiKey, issued.record.id)
            assert key is not None
            assert key.last_used_at is None  # left to the holder; the next request writes it
