"""A worker SIGKILLed in the middle of a solve: nothing half-written, and a later run
plans its orders, each exactly once, after the dead run's claims expire."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatch.clock import utcnow
from dispatch.db import session_scope
from dispatch.enums import OrderStatus
from dispatch.orders.models import Order
from dispatch.planning.models import Route, Stop
from tests.databases import migrated_database
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

LEASE_S = 30


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[tuple[str, str, sessionmaker[Session], Path]]:
    with (
        migrated_database("postgresql", tmp_path) as url,
        redis_database() as broker,
        committed_sessions(url) as sessions,
    ):
        yield url, broker, sessions, tmp_path


def _claim_expiry(sessions: sessionmaker[Session], order_ids: list[int]) -> float:
    """Seconds until the last claim on these orders expires."""
    with session_scope(sessions) as session:
        latest = session.scalar(
            select(func.max(Order.claim_expires_at)).where(Order.id.in_(order_ids))
        )
    assert latest is not None, "the run claimed nothing"
    return max(0.0, (latest - utcnow()).total_seconds())


def test_a_killed_workers_orders_are_planned_after_restart_exactly_once(
    setting: tuple[str, str, sessionmaker[Session], Path],
) -> None:
    url, broker, sessions, logs = setting
    slow = live_env(url, broker, solver_time_limit_s="30", claim_lease_s=str(LEASE_S))
    quick = live_env(url, broker, solver_time_limit_s="2", claim_lease_s=str(LEASE_S))
    with api_server(quick, logs / "api.log") as base:
        world: World = make_world(base, sessions)
        order_ids = world.submit_orders(6)
        with celery_worker(slow, logs / "doomed.log") as doomed:
            lost_run = world.start_plan()
            world.wait_for(lost_run, "running")
            time.sleep(1.0)  # well inside the 30 s solve
            doomed.kill()

        assert world.plan(lost_run)["status"] == "running"
        with session_scope(sessions) as session:
            assert session.scalars(select(Route)).all() == []
            assert session.scalars(select(Stop)).all() == []
        assert set(statuses(sessions, order_ids).values()) == {OrderStatus.PENDING}

        with celery_worker(quick, logs / "restarted.log"):
            time.sleep(_claim_expiry(sessions, order_ids) + 0.5)
            run = world.wait_for(world.start_plan(), "done", "failed")

    assert run["status"] == "done", run
    assert run["orders_planned"] == 6
    assert set(assignment_counts(sessions, order_ids).values()) == {1}
    assert route_problems(sessions) == []
