"""Planning on real Celery worker processes and Redis (not eager mode), orders submitted
through the live API; the database is a committed PostgreSQL database of this module."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dispatch.db import session_scope
from dispatch.enums import OrderStatus
from dispatch.planning.models import Route, Stop
from tests.databases import migrated_database
from tests.factories import make_declaration, make_shipper
from tests.live import api_server, celery_worker, live_env, redis_database
from tests.workers.support import (
    World,
    assignment_counts,
    committed_sessions,
    make_world,
    route_problems,
    statuses,
)

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """A committed database, Redis, two worker processes and the API server."""
    logs = tmp_path_factory.mktemp("live")
    with (
        migrated_database("postgresql", logs) as url,
        redis_database() as broker,
        committed_sessions(url) as sessions,
    ):
        # Zones of 10 orders, so that larger batches take the parallel zone path.
        env = live_env(
            url, broker, solver_time_limit_s="2", claim_lease_s="30", zone_size_threshold="10"
        )
        with (
            celery_worker(env, logs / "worker.log", concurrency=2),
            api_server(env, logs / "api.log") as base,
        ):
            yield base, sessions


@pytest.fixture
def world(live: tuple[str, sessionmaker[Session]]) -> World:
    base, sessions = live
    return make_world(base, sessions)


class TestPlanningWorker:
    def test_orders_submitted_through_the_api_end_up_in_valid_routes(self, world: World) -> None:
        order_ids = world.submit_orders(8)

        run = world.wait_for(world.start_plan(), "done", "failed")

        assert run["status"] == "done", run
        assert run["orders_planned"] == 8
        assert run["figures"]["validated"] is True
        assert set(statuses(world.sessions, order_ids).values()) == {OrderStatus.ASSIGNED}
        assert route_problems(world.sessions) == []

    def test_a_large_batch_is_solved_zone_by_zone_on_the_workers(self, world: World) -> None:
        order_ids = world.submit_orders(16)

        run = world.wait_for(world.start_plan(), "done", "failed", timeout_s=90)

        assert run["status"] == "done", run
        assert run["figures"]["zones"] >= 2
        assert run["orders_planned"] == 16
        assert run["figures"]["validated"] is True
        assert set(statuses(world.sessions, order_ids).values()) == {OrderStatus.ASSIGNED}
        assert route_problems(world.sessions) == []

    def test_two_runs_started_together_never_share_an_order(self, world: World) -> None:
        order_ids = world.submit_orders(12)

        first, second = world.start_plan(), world.start_plan()
        runs = [world.wait_for(r, "done", "failed") for r in (first, second)]

        assert [r["status"] for r in runs] == ["done", "done"]
        assert sum(r["orders_planned"] for r in runs) == 12
        assert set(assignment_counts(world.sessions, order_ids).values()) == {1}

    def test_an_order_cancelled_during_the_solve_is_not_assigned(self, world: World) -> None:
        cancelled, *kept = world.submit_orders(4)
        run_id = world.start_plan()
        world.wait_for(run_id, "running")

        answer = httpx.post(
            f"{world.base}/v1/orders/{cancelled}/cancel",
            json={"reason": "customer changed their mind"},
            headers={"Authorization": f"Bearer {world.api_key}"},
            timeout=10,
        )
        run = world.wait_for(run_id, "done", "failed")

        assert answer.status_code == 200, answer.text
        assert run["status"] == "done", run
        assert statuses(world.sessions, [cancelled]) == {cancelled: OrderStatus.CANCELLED}
        assert set(statuses(world.sessions, kept).values()) == {OrderStatus.ASSIGNED}
        with session_scope(world.sessions) as session:
            assert session.scalars(select(Stop).where(Stop.order_id == cancelled)).all() == []

    def test_shippers_without_todays_declaration_get_nothing(self, world: World) -> None:
        with session_scope(world.sessions) as session:
            undeclared = make_shipper(session, lat=21.03, lon=105.85).id
            failing = make_shipper(session, lat=21.03, lon=105.85)
            make_declaration(session, failing, passed=False)
            failing_id = failing.id
        world.submit_orders(3)

        run = world.wait_for(world.start_plan(), "done", "failed")

        assert run["status"] == "done", run
        with session_scope(world.sessions) as session:
            routes = session.scalars(
                select(Route).where(Route.shipper_id.in_([undeclared, failing_id]))
            ).all()
        assert routes == []

    def test_an_order_too_heavy_for_any_cleared_shipper_is_reported_with_the_reason(
        self, world: World
    ) -> None:
        with session_scope(world.sessions) as session:
            # A big van is registered (so intake accepts 45 kg) but has not declared today.
            make_shipper(session, capacity_kg=100.0, lat=21.03, lon=105.85)
        heavy, *_ = world.submit_orders(1, weight_kg=45.0)

        run = world.wait_for(world.start_plan(), "done", "failed")
        order = httpx.get(f"{world.base}/v1/orders/{heavy}", headers=world.staff, timeout=10).json()

        assert run["unassigned_by_reason"].get("too_heavy") == 1
        assert order["status"] == "pending"
        assert order["unassigned_reason"] == "too_heavy"
