"""A live Hà Nội world for the worker tests: committed rows, API calls, run polling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatch.db import make_engine, session_scope
from dispatch.enums import OrderStatus, StopKind
from dispatch.orders.models import Order, OrderEvent
from dispatch.planning.models import Route, Stop
from tests.dispatch.planning_support import make_cleared_shipper
from tests.factories import make_api_key, make_sales_point, make_user, staff_headers
from tests.payloads import order_body

# Delivery points spread over the inner districts, a few km apart.
DROPS = [
    (21.0245, 105.8555),
    (21.0368, 105.8342),
    (21.0129, 105.8270),
    (21.0455, 105.8012),
    (21.0069, 105.8432),
    (20.9982, 105.8675),
    (21.0300, 105.7810),
    (21.0590, 105.8250),
]


@contextmanager
def committed_sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    try:
        yield sessionmaker(bind=engine, expire_on_commit=False)
    finally:
        engine.dispose()


@dataclass
class World:
    """A sales point's key, a dispatcher's headers, and the API's base URL."""

    base: str
    api_key: str
    staff: dict[str, str]
    sessions: sessionmaker[Session]

    def submit_orders(self, count: int, **overrides: Any) -> list[int]:
        ids = []
        for n in range(count):
            lat, lon = DROPS[n % len(DROPS)]
            body = order_body(window=None, recipient={"lat": lat, "lon": lon}, **overrides)
            answer = httpx.post(
                f"{self.base}/v1/orders",
                json=body,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=10,
            )
            assert answer.status_code == 201, answer.text
            ids.append(int(answer.json()["id"]))
        return ids

    def start_plan(self) -> int:
        answer = httpx.post(f"{self.base}/v1/plans", headers=self.staff, timeout=10)
        assert answer.status_code == 202, answer.text
        return int(answer.json()["id"])

    def plan(self, run_id: int) -> dict[str, Any]:
        answer = httpx.get(f"{self.base}/v1/plans/{run_id}", headers=self.staff, timeout=10)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def wait_for(self, run_id: int, *statuses: str, timeout_s: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            body = self.plan(run_id)
            if body["status"] in statuses:
                return body
            time.sleep(0.1)
        raise TimeoutError(f"run {run_id} never became {statuses}: {self.plan(run_id)}")


def make_world(base: str, sessions: sessionmaker[Session], *, shippers: int = 2) -> World:
    with session_scope(sessions) as session:
        shop = make_sales_point(session, lat=21.0285, lon=105.8480)
        key = make_api_key(session, shop)
        for _ in range(shippers):
            make_cleared_shipper(session)
        staff = staff_headers(make_user(session))
    return World(base, key, staff, sessions)


def assignment_counts(sessions: sessionmaker[Session], order_ids: list[int]) -> dict[int, int]:
    """How many times each order became assigned (exactly once is the rule)."""
    with session_scope(sessions) as session:
        rows = session.execute(
            select(OrderEvent.order_id, func.count())
            .where(OrderEvent.order_id.in_(order_ids), OrderEvent.to_status == OrderStatus.ASSIGNED)
            .group_by(OrderEvent.order_id)
        ).all()
    counts = dict.fromkeys(order_ids, 0)
    counts.update({int(order_id): int(n) for order_id, n in rows})
    return counts


def statuses(sessions: sessionmaker[Session], order_ids: list[int]) -> dict[int, OrderStatus]:
    with session_scope(sessions) as session:
        rows = session.execute(select(Order.id, Order.status).where(Order.id.in_(order_ids)))
        return {int(i): s for i, s in rows}


def route_problems(sessions: sessionmaker[Session]) -> list[str]:
    """Each routed order once, pickup before delivery on one route, loads within capacity."""
    problems = []
    with session_scope(sessions) as session:
        for route in session.scalars(select(Route)).all():
            load, seen = 0.0, set()
            for stop in sorted(route.stops, key=lambda s: s.sequence):
                key = (stop.order_id, stop.kind)
                if key in seen:
                    problems.append(f"route {route.id}: {key} twice")
                seen.add(key)
                load += stop.order.weight_kg * (1 if stop.kind is StopKind.PICKUP else -1)
                if stop.kind is StopKind.DELIVERY and (stop.order_id, StopKind.PICKUP) not in seen:
                    problems.append(f"route {route.id}: order {stop.order_id} delivered first")
                if load > route.shipper.capacity_kg + 1e-6:
                    problems.append(f"route {route.id}: {load} kg on board")
        stops = session.execute(select(Stop.order_id, Stop.kind)).all()
        if len(stops) != len(set(stops)):
            problems.append("an order has two stops of one kind")
    return problems
