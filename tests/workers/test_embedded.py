"""Embedded mode: no broker, a SQLite file; ``dispatch serve`` plans in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.enums import OrderStatus
from tests.databases import migrated_database
from tests.live import api_server, live_env
from tests.workers.support import committed_sessions, make_world, route_problems, statuses

pytestmark = pytest.mark.slow


def test_orders_submitted_through_the_api_are_planned_without_redis(tmp_path: Path) -> None:
    with (
        migrated_database("sqlite", tmp_path) as url,
        committed_sessions(url) as sessions,
        api_server(live_env(url, None, solver_time_limit_s="2"), tmp_path / "api.log") as base,
    ):
        world = make_world(base, sessions)
        order_ids = world.submit_orders(8)

        run = world.wait_for(world.start_plan(), "done", "failed")

        assert run["status"] == "done", run
        assert run["orders_planned"] == 8
        assert run["figures"]["validated"] is True
        assert set(statuses(sessions, order_ids).values()) == {OrderStatus.ASSIGNED}
        assert route_problems(sessions) == []
